namespace TokenClients.Tests.Http;

/// <summary>How a request carries its token context, and that reading it costs a request without one nothing.</summary>
public sealed class TokenContextOptionTests
{
    [Fact]
    public void Request_without_a_context_is_read_without_creating_its_options()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example/"));

        Assert.Null(TokenContextOption.Read(request, out var subject));
        Assert.Null(subject);

        // The options dictionary is created on first read of the property: the read above must not have created it.
        var field = typeof(HttpRequestMessage).GetField("_options", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        Assert.NotNull(field);
        Assert.Null(field.GetValue(request));
    }

    [Fact]
    public void Context_set_on_a_request_is_read_back_also_when_other_options_were_set_first()
    {
        var alice = TokenContext.ForSubject("alice");
        using var plain = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example/")).WithTokenContext(alice);
        using var other = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example/"));
        other.Options.Set(new HttpRequestOptionsKey<string>("other"), "value");

        Assert.Same(alice, TokenContextOption.Read(plain, out _));
        Assert.Null(TokenContextOption.Read(other, out var none));
        Assert.Null(none);
    }

    [Fact]
    public void The_last_of_a_subject_and_a_context_set_on_a_request_is_the_one_read()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example/"))
            .WithTokenContext(new TokenContext("alice", scope: "orders")).WithTokenSubject("bob");

        Assert.Null(TokenContextOption.Read(request, out var subject));
        Assert.Equal("bob", subject);
        Assert.Equal(TokenContext.ForSubject("bob"), TokenContextOption.ReadOrCreate(request));
    }
}
