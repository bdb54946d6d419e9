using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>A 401 to a request a redirect moved (and stripped of its header) says nothing about the token.</summary>
public sealed class RedirectedUnauthorizedTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private int _tokens;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Unauthorized_after_a_same_origin_redirect_keeps_the_token_and_is_returned_as_it_is()
    {
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"access_token":"token-{{Interlocked.Increment(ref _tokens)}}","token_type":"Bearer","expires_in":3600}""", Encoding.UTF8, "application/json"),
        });
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/"))
            .AddTokenHandler("idp")
            .ConfigurePrimaryHttpMessageHandler(() => new SameOriginRedirectingApi());
        var client = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var first = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(1, _tokens);
    }
}
