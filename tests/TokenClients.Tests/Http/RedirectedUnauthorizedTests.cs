using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>
/// A 401 to a request a redirect stripped of its header says nothing about the token: the token is kept and the 401 is
/// returned as it is, whether the redirect moved the request on the same origin or back to the address it started from.
/// </summary>
public sealed class RedirectedUnauthorizedTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private int _tokens;

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Unauthorized_after_a_same_origin_redirect_keeps_the_token_and_is_returned_as_it_is()
    {
        var client = Client(new SameOriginRedirectingApi());

        using var first = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(1, _tokens);
    }

    [Fact]
    public async Task Unauthorized_after_a_redirect_back_to_the_same_address_keeps_the_token()
    {
        var client = Client(new BounceBackApi());

        using var first = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));
        using var second = await client.GetAsync(new Uri("old", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(1, _tokens);
    }

    /// <summary>A client of https://api.example/ with the token handler of a provider that counts the tokens it issues.</summary>
    private HttpClient Client(HttpMessageHandler api)
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
            .ConfigurePrimaryHttpMessageHandler(() => api);
        return _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
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
