using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.DPoP;

/// <summary>The token endpoint side of DPoP (RFC 9449 sections 5 and 8) over MockHttp: proofs per send, nonces, token types.</summary>
public sealed class DPoPTokenEndpointTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private readonly List<string?> _proofs = [];

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_token_request_carries_a_proof_and_a_dpop_token_is_bound_to_the_provider_key()
    {
        Answer(Token("DPoP"));
        var token = await Start().GetTokenAsync();

        var proof = DPoPProof.Read(Assert.Single(_proofs)!);
        Assert.True(proof.SignatureValid);
        Assert.Equal("POST", proof.Claim("htm"));
        Assert.Equal(TokenUrl, proof.Claim("htu"));
        Assert.False(proof.Has("ath"));
        Assert.Equal("DPoP", token.Scheme);
        Assert.NotNull(token.DPoPKeyThumbprint);
        Assert.NotNull(token.ProofKey);
    }

    [Fact]
    public async Task Dpop_nonce_demanded_by_the_token_endpoint_is_answered_with_one_resend_carrying_it()
    {
        Answer(NonceDemand("nonce-1"));
        Answer(Token("DPoP"));

        var token = await Start().GetTokenAsync();

        Assert.Equal(2, _proofs.Count);
        Assert.False(DPoPProof.Read(_proofs[0]!).Has("nonce"));
        Assert.Equal("nonce-1", DPoPProof.Read(_proofs[1]!).Claim("nonce"));
        Assert.NotEqual(DPoPProof.Read(_proofs[0]!).Claim("jti"), DPoPProof.Read(_proofs[1]!).Claim("jti"));
        Assert.Equal("DPoP", token.Scheme);
    }

    [Fact]
    public async Task Dpop_nonce_required_twice_fails_with_typed_error()
    {
        Answer(NonceDemand("nonce-1"));
        Answer(NonceDemand("nonce-2"));

        var error = await Assert.ThrowsAsync<TokenRequestException>(async () => await Start().GetTokenAsync());

        Assert.Equal("use_dpop_nonce", error.Error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("nonce", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, _proofs.Count);
    }

    [Fact]
    public async Task A_nonce_from_a_successful_answer_goes_into_the_next_proof_to_that_origin()
    {
        var first = Token("DPoP");
        first.Headers.TryAddWithoutValidation("DPoP-Nonce", "rotated-nonce");
        Answer(first);
        Answer(Token("DPoP"));
        var provider = Start();

        var token = await provider.GetTokenAsync();
        await provider.InvalidateAsync(token);
        await provider.GetTokenAsync();

        Assert.Equal("rotated-nonce", DPoPProof.Read(_proofs[1]!).Claim("nonce"));
    }

    [Fact]
    public async Task A_bearer_answer_to_a_dpop_request_is_used_as_a_bearer_token_and_logged()
    {
        Answer(Token("Bearer"));

        var token = await Start().GetTokenAsync();

        Assert.Equal("Bearer", token.Scheme);
        Assert.Null(token.DPoPKeyThumbprint);
        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Id.Id == 112);
    }

    [Fact]
    public async Task A_resent_attempt_after_a_server_error_carries_a_new_proof()
    {
        Answer(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        Answer(Token("DPoP"));

        await Start(retry: true).GetTokenAsync();

        Assert.Equal(2, _proofs.Count);
        Assert.NotEqual(DPoPProof.Read(_proofs[0]!).Claim("jti"), DPoPProof.Read(_proofs[1]!).Claim("jti"));
    }

    [Fact]
    public async Task Without_dpop_no_proof_is_sent_and_a_dpop_token_type_is_refused()
    {
        Answer(Token("DPoP"));

        await Assert.ThrowsAsync<TokenRequestException>(async () => await Start(dpop: false).GetTokenAsync());

        Assert.Null(Assert.Single(_proofs));
    }

    [Fact]
    public void The_shared_cache_key_of_a_dpop_client_names_its_key_so_only_instances_with_that_key_share_tokens()
    {
        var generated = Fingerprint(null);
        var again = Fingerprint(null);
        using var ec = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        var jwk = $$"""{"kty":"EC","crv":"P-256","x":"{{B(p.Q.X)}}","y":"{{B(p.Q.Y)}}","d":"{{B(p.D)}}"}""";

        Assert.NotEqual(generated.Request, again.Request);
        Assert.Equal(generated.Client, again.Client);
        Assert.Equal(Fingerprint(jwk), Fingerprint(jwk));
    }

    private static global::TokenClients.Caching.ConfigurationFingerprint Fingerprint(string? key)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.DPoP.Enabled = true;
            o.DPoP.Key = key;
        }));
        using var container = services.BuildServiceProvider();
        return global::TokenClients.Caching.ConfigurationFingerprint.Of(container.GetRequiredKeyedService<ITokenClient>("idp"));
    }

    private static string B(byte[]? bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes!);

    private ITokenProvider Start(bool dpop = true, bool retry = false)
    {
        _harness.AddProvider("idp", p =>
        {
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri(TokenUrl);
                o.ClientId = "c";
                o.ClientSecret = "s";
                o.DPoP.Enabled = dpop;
            });
            if (retry)
            {
                p.ConfigureResilience(r =>
                {
                    r.Retry.MaxRetryAttempts = 1;
                    r.Retry.Delay = TimeSpan.Zero;
                });
            }
        });
        return _harness.Get("idp");
    }

    private void Answer(HttpResponseMessage response) =>
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond(request =>
        {
            _proofs.Add(request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null);
            return response;
        });

    private static HttpResponseMessage Token(string type) => new(HttpStatusCode.OK)
    {
        Content = new StringContent($$"""{"access_token":"at-{{Guid.NewGuid():N}}","token_type":"{{type}}","expires_in":3600}""", Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage NonceDemand(string nonce)
    {
        var response = new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("""{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof"}""", Encoding.UTF8, "application/json"),
        };
        response.Headers.TryAddWithoutValidation("DPoP-Nonce", nonce);
        return response;
    }
}
