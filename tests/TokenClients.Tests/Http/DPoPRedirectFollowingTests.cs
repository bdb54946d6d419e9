using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>
/// A DPoP client's token handler follows redirects itself (the framework's would carry the proof anywhere): by the
/// framework's rules, and with neither token nor proof on any hop.
/// </summary>
public sealed class DPoPRedirectFollowingTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private readonly MockHttpMessageHandler _api = new();
    private readonly List<(HttpMethod Method, string Uri, string? Authorization, bool Proof, bool Content)> _sent = [];

    public DPoPRedirectFollowingTests()
    {
        _api.Fallback.Throw(new InvalidOperationException("An API request matched no expectation."));
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"access_token":"dpop-token","token_type":"DPoP","expires_in":3600}""", Encoding.UTF8, "application/json"),
        });
        Register("dpop", dpop: true);
        Register("bearer", dpop: false);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task A_303_to_a_post_goes_on_as_a_get_without_content_and_no_hop_carries_the_token_or_the_proof()
    {
        Redirect(HttpStatusCode.SeeOther, "https://elsewhere.example/landing");
        Answer(HttpStatusCode.OK);

        using var response = await Client().PostAsync(new Uri("https://api.example/orders"), new StringContent("order"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((HttpMethod.Post, "https://api.example/orders", "DPoP dpop-token", true, true), _sent[0]);
        Assert.Equal((HttpMethod.Get, "https://elsewhere.example/landing", null, false, false), _sent[1]);
    }

    [Fact]
    public async Task A_307_keeps_method_and_content_and_a_relative_location_stays_on_the_origin_without_token_or_proof()
    {
        Redirect(HttpStatusCode.TemporaryRedirect, "/moved");
        Answer(HttpStatusCode.OK);

        using var response = await Client().PostAsync(new Uri("https://api.example/orders"), new StringContent("order"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((HttpMethod.Post, "https://api.example/moved", null, false, true), _sent[1]);
    }

    [Fact]
    public async Task A_redirect_from_https_to_http_is_not_followed()
    {
        Redirect(HttpStatusCode.Found, "http://api.example/plain");

        using var response = await Client().GetAsync(new Uri("https://api.example/items"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Single(_sent);
    }

    [Fact]
    public async Task Redirects_stop_at_the_limit_and_the_last_redirect_goes_back_to_the_caller()
    {
        for (var i = 0; i < 4; i++)
        {
            Redirect(HttpStatusCode.Found, $"https://api.example/hop{i}");
        }

        using var response = await Client(limit: 3).GetAsync(new Uri("https://api.example/items"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(4, _sent.Count);
    }

    [Fact]
    public async Task Nonces_of_origins_a_redirect_led_to_are_not_kept_and_cannot_push_out_the_api_nonce()
    {
        string? lastProof = null;
        _api.Expect("https://api.example/first").Respond(_ => WithNonce(new HttpResponseMessage(HttpStatusCode.OK), "api-nonce"));
        for (var i = 0; i < 2 * Internal.DPoPNonces.MaxOrigins; i++)
        {
            var origin = $"https://hop{i}.example/";
            _api.Expect("https://api.example/go").Respond(_ => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri(origin) } });
            _api.Expect(origin).Respond(_ => WithNonce(new HttpResponseMessage(HttpStatusCode.OK), $"nonce-{i}"));
        }

        _api.Expect("https://api.example/last").Respond(request =>
        {
            lastProof = request.Headers.GetValues("DPoP").Single();
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = Client();

        (await client.GetAsync(new Uri("https://api.example/first"))).Dispose();
        for (var i = 0; i < 2 * Internal.DPoPNonces.MaxOrigins; i++)
        {
            (await client.GetAsync(new Uri("https://api.example/go"))).Dispose();
        }

        (await client.GetAsync(new Uri("https://api.example/last"))).Dispose();

        _api.VerifyNoOutstandingExpectation();
        var proof = Protocol.DPoP.DPoPProof.Read(lastProof!);
        Assert.True(proof.Has("nonce"), "The API's nonce was pushed out by the nonces of origins redirects led to.");
        Assert.Equal("api-nonce", proof.Claim("nonce"));
    }

    [Fact]
    public void Add_token_handler_turns_off_the_primary_handler_redirects_of_a_dpop_client_only()
    {
        using var dpopPrimary = new SocketsHttpHandler();
        using var bearerPrimary = new SocketsHttpHandler();
        _harness.Services.AddHttpClient("dpop-api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("dpop")
            .ConfigurePrimaryHttpMessageHandler(() => dpopPrimary);
        _harness.Services.AddHttpClient("bearer-api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("bearer")
            .ConfigurePrimaryHttpMessageHandler(() => bearerPrimary);
        var factory = _harness.Provider.GetRequiredService<IHttpClientFactory>();

        using var dpop = factory.CreateClient("dpop-api");
        using var bearer = factory.CreateClient("bearer-api");

        Assert.False(dpopPrimary.AllowAutoRedirect);
        Assert.True(bearerPrimary.AllowAutoRedirect);
    }

    [Fact]
    public void A_primary_handler_that_wraps_the_sending_handler_has_the_sending_handlers_redirects_turned_off()
    {
        var sockets = new SocketsHttpHandler();
        using var wrapper = new PassThrough(sockets);
        _harness.Services.AddHttpClient("wrapped-api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("dpop")
            .ConfigurePrimaryHttpMessageHandler(() => wrapper);

        using var client = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("wrapped-api");

        Assert.False(sockets.AllowAutoRedirect);
    }

    private HttpClient Client(int limit = 10) =>
        new(new TokenHandler(_harness.Get("dpop"), [new Uri("https://api.example/")]) { FollowRedirects = limit, InnerHandler = _api });

    private void Register(string name, bool dpop) => _harness.AddProvider(name, p => p.UseClientCredentials(o =>
    {
        o.TokenEndpoint = new Uri(TokenUrl);
        o.ClientId = "c";
        o.ClientSecret = "s";
        o.DPoP.Enabled = dpop;
    }));

    private void Redirect(HttpStatusCode status, string location) => Answer(status, location);

    private void Answer(HttpStatusCode status, string? location = null) =>
        _api.Expect("*").Respond(request =>
        {
            _sent.Add((request.Method, request.RequestUri!.AbsoluteUri, request.Headers.Authorization?.ToString(), request.Headers.Contains("DPoP"), request.Content is not null));
            var response = new HttpResponseMessage(status);
            if (location is not null)
            {
                response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
            }

            return response;
        });

    private static HttpResponseMessage WithNonce(HttpResponseMessage response, string nonce)
    {
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);
        return response;
    }

    private sealed class PassThrough(HttpMessageHandler inner) : DelegatingHandler(inner);
}
