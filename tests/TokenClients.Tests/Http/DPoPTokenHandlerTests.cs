using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Protocol.DPoP;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>API requests with a DPoP-bound token (RFC 9449 section 7): scheme DPoP, a new proof per send, the API's nonces.</summary>
public sealed class DPoPTokenHandlerTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private readonly MockHttpMessageHandler _api = new();
    private readonly List<(string? Authorization, string? Proof)> _sent = [];
    private int _tokens;

    public DPoPTokenHandlerTests()
    {
        _api.Fallback.Throw(new InvalidOperationException("An API request matched no expectation."));
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($$"""{"access_token":"token-{{Interlocked.Increment(ref _tokens)}}","token_type":"DPoP","expires_in":3600}""", Encoding.UTF8, "application/json"),
        });
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.DPoP.Enabled = true;
        }));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/"))
            .AddTokenHandler("idp")
            .ConfigurePrimaryHttpMessageHandler(() => _api);
    }

    private HttpClient Api => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task A_dpop_token_goes_with_scheme_dpop_and_a_new_proof_of_method_address_and_token_hash()
    {
        Answer(HttpStatusCode.OK);
        Answer(HttpStatusCode.OK);

        using var request = new HttpRequestMessage(HttpMethod.Put, "items/7?version=3#top") { Content = new StringContent("x") };
        (await Api.SendAsync(request)).EnsureSuccessStatusCode();
        (await Api.GetAsync(new Uri("items", UriKind.Relative))).EnsureSuccessStatusCode();

        Assert.Equal("DPoP token-1", _sent[0].Authorization);
        var first = DPoPProof.Read(_sent[0].Proof!);
        var second = DPoPProof.Read(_sent[1].Proof!);
        Assert.True(first.SignatureValid);
        Assert.Equal("PUT", first.Claim("htm"));
        Assert.Equal("https://api.example/items/7", first.Claim("htu"));
        Assert.Equal(DPoPProof.HashOf("token-1"), first.Claim("ath"));
        Assert.Equal("GET", second.Claim("htm"));
        Assert.NotEqual(first.Claim("jti"), second.Claim("jti"));
        Assert.False(request.Headers.Contains("DPoP"), "The proof stayed on the request after its send.");
        Assert.Null(request.Headers.Authorization);
        Assert.Equal(1, _tokens);
    }

    [Fact]
    public async Task Dpop_nonce_demanded_by_the_api_is_answered_with_one_resend_that_keeps_the_token()
    {
        Answer(HttpStatusCode.Unauthorized, nonce: "api-nonce-1", challenge: true);
        Answer(HttpStatusCode.OK);
        Answer(HttpStatusCode.OK);

        var response = await Api.PostAsync(new Uri("items", UriKind.Relative), new StringContent("payload"));
        (await Api.GetAsync(new Uri("items", UriKind.Relative))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _tokens);
        Assert.All(_sent, s => Assert.Equal("DPoP token-1", s.Authorization));
        Assert.False(DPoPProof.Read(_sent[0].Proof!).Has("nonce"));
        Assert.Equal("api-nonce-1", DPoPProof.Read(_sent[1].Proof!).Claim("nonce"));
        Assert.Equal("api-nonce-1", DPoPProof.Read(_sent[2].Proof!).Claim("nonce"));
    }

    [Fact]
    public async Task Dpop_nonce_demanded_twice_by_the_api_returns_the_second_401_without_dropping_the_token()
    {
        Answer(HttpStatusCode.Unauthorized, nonce: "n1", challenge: true);
        Answer(HttpStatusCode.Unauthorized, nonce: "n2", challenge: true);

        var response = await Api.GetAsync(new Uri("items", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, _sent.Count);
        Assert.Equal(1, _tokens);
    }

    [Fact]
    public async Task A_401_without_a_nonce_challenge_drops_the_dpop_token_and_resends_with_a_new_one_and_a_new_proof()
    {
        Answer(HttpStatusCode.Unauthorized);
        Answer(HttpStatusCode.OK);

        (await Api.GetAsync(new Uri("items", UriKind.Relative))).EnsureSuccessStatusCode();

        Assert.Equal(2, _tokens);
        Assert.Equal("DPoP token-2", _sent[1].Authorization);
        Assert.Equal(DPoPProof.HashOf("token-2"), DPoPProof.Read(_sent[1].Proof!).Claim("ath"));
    }

    [Fact]
    public async Task A_nonce_handed_out_by_a_successful_api_answer_goes_into_the_next_proof()
    {
        Answer(HttpStatusCode.OK, nonce: "fresh");
        Answer(HttpStatusCode.OK);

        await Api.GetAsync(new Uri("a", UriKind.Relative));
        await Api.GetAsync(new Uri("b", UriKind.Relative));

        Assert.Equal("fresh", DPoPProof.Read(_sent[1].Proof!).Claim("nonce"));
    }

    private void Answer(HttpStatusCode status, string? nonce = null, bool challenge = false) =>
        _api.Expect("https://api.example/*").Respond(request =>
        {
            _sent.Add((request.Headers.Authorization?.ToString(), request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null));
            var response = new HttpResponseMessage(status);
            if (nonce is not null)
            {
                response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);
            }

            if (challenge)
            {
                response.Headers.TryAddWithoutValidation("WWW-Authenticate", "DPoP error=\"use_dpop_nonce\", error_description=\"Resource server requires nonce in DPoP proof\"");
            }

            return response;
        });
}
