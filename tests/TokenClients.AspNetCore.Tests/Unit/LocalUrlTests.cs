using TokenClients.AspNetCore.Connect;

namespace TokenClients.AspNetCore.Tests.Unit;

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/vendors")]
    [InlineData("/vendors?tab=connected#top")]
    [InlineData("/a//b")]
    public void Paths_of_this_application_are_local(string url) => Assert.True(LocalUrl.IsLocal(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("/x\\..\\evil")]
    [InlineData("evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\r\nLocation: https://evil.example")]
    [InlineData("/\t/evil.example")]
    public void Anything_else_is_not(string? url) => Assert.False(LocalUrl.IsLocal(url));
}
