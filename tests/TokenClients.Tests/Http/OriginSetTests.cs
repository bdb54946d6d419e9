namespace TokenClients.Tests.Http;

/// <summary>The origin check that decides whether a request may carry the token.</summary>
public sealed class OriginSetTests
{
    private readonly OriginSet _origins = new([new Uri("https://api.example/v1/"), new Uri("http://127.0.0.1:5000/")]);

    [Theory]
    [InlineData("https://api.example/items")]
    [InlineData("https://api.example/")]
    [InlineData("HTTPS://API.EXAMPLE/items")]
    [InlineData("https://api.example:443/items")]
    [InlineData("https://api.example?q=1")]
    [InlineData("http://127.0.0.1:5000/x")]
    public void Requests_to_an_allowed_origin_carry_the_token(string url) => Assert.True(_origins.Allows(new Uri(url)));

    [Theory]
    [InlineData("https://api.example.evil.test/items")]
    [InlineData("https://api.example:8443/items")]
    [InlineData("http://api.example/items")]
    [InlineData("https://evil.test/https://api.example/")]
    [InlineData("https://api.example@evil.test/")]
    [InlineData("http://127.0.0.1:5001/x")]
    public void Requests_to_any_other_origin_do_not(string url) => Assert.False(_origins.Allows(new Uri(url)));

    [Fact]
    public void Description_of_an_address_leaves_out_its_user_information()
    {
        var description = OriginSet.Describe(new Uri("https://user:p4ss-w0rd@api.example:8443/path?q=secret"));

        Assert.Equal("https://api.example:8443", description);
    }

    [Fact]
    public void Relative_or_missing_addresses_are_not_allowed()
    {
        Assert.False(_origins.Allows(null));
        Assert.False(_origins.Allows(new Uri("items", UriKind.Relative)));
    }
}
