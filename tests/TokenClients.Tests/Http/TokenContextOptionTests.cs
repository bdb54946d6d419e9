namespace TokenClients.Tests.Http;

/// <summary>How a request carries its token context, and that reading it costs a request without one nothing.</summary>
public sealed class TokenContextOptionTests
{
    [Fact]
    public void Request_without_a_context_is_read_without_creating_its_options()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("https://api.example/"));

        Assert.Null(TokenContextOption.Read(request));

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

        Assert.Same(alice, TokenContextOption.Read(plain));
        Assert.Null(TokenContextOption.Read(other));
    }
}
