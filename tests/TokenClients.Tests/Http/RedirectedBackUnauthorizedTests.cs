using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>A redirect that ends on the address the request started from still stripped the token.</summary>
public sealed class RedirectedBackUnauthorizedTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private int _tokens;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Unauthorized_after_a_redirect_back_to_the_same_address_keeps_the_token()
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
            .ConfigurePrimaryHttpMessageHandler(() => new BounceBackApi());
        var client = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        using var first = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(1, _tokens);
    }

    /// <summary>Like SocketsHttpHandler before a server that answers /old with a redirect to itself (a 302 that sets a cookie).</summary>
    private sealed class BounceBackApi : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(request.RequestUri!.AbsoluteUri);
            request.Headers.Authorization = null;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Unauthorized) { RequestMessage = request });
        }
    }
}
