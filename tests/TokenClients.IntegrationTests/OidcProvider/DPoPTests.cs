using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// DPoP (RFC 9449) against oidc-provider, whose verdict decides: it issues DPoP tokens only for proofs it accepts, its
/// introspection names the key it bound the token to (<c>cnf.jkt</c>), and its userinfo endpoint (the protected API)
/// accepts a DPoP-bound token only with a valid proof.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed partial class DPoPTests(OidcProviderServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<ServiceProvider> _containers = [];

    /// <summary>Gets every token endpoint exchange: the proof sent (or none) and the status answered.</summary>
    private ConcurrentQueue<(string? Proof, HttpStatusCode Status)> TokenTraffic { get; } = new();

    private FakeLogCollector Logs { get; } = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_generated_es256_key_gets_a_dpop_token_the_server_binds_to_that_key()
    {
        var token = await GetTokenAsync(OidcProviderServer.DPoPClient);

        var verdict = await server.IntrospectAsync(token.Value);
        Assert.True(verdict.GetProperty("active").GetBoolean());
        Assert.Equal("DPoP", verdict.GetProperty("token_type").GetString());
        Assert.Equal(token.DPoPKeyThumbprint, verdict.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal("DPoP", token.Scheme);
        Assert.Equal("ES256", Proof(Assert.Single(TokenTraffic).Proof).Header.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task A_supplied_rsa_jwk_gets_a_dpop_token_the_server_binds_to_that_key()
    {
        var token = await GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Key = OidcProviderServer.PrivateJwk(server.RsaKey, "dpop-rsa"));

        var verdict = await server.IntrospectAsync(token.Value);
        Assert.Equal(token.DPoPKeyThumbprint, verdict.GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.Equal("RS256", Proof(Assert.Single(TokenTraffic).Proof).Header.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task A_certificate_key_gets_a_dpop_token_the_server_binds_to_that_key()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=dpop", ec, HashAlgorithmName.SHA256)
            .CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var token = await GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Certificate = certificate);

        Assert.Equal(token.DPoPKeyThumbprint, (await server.IntrospectAsync(token.Value)).GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task Without_dpop_the_server_refuses_a_client_that_must_use_it()
    {
        var error = await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Enabled = false));

        Assert.Equal("invalid_grant", error.Error);
        Assert.Null(Assert.Single(TokenTraffic).Proof);
    }

    [Fact]
    public async Task Dpop_nonce_required_by_the_token_endpoint_is_answered_with_one_resend_the_server_accepts()
    {
        var token = await GetTokenAsync(OidcProviderServer.DPoPNonceClient);

        Assert.True((await server.IntrospectAsync(token.Value)).GetProperty("active").GetBoolean());
        var traffic = TokenTraffic.ToArray();
        Assert.Equal(2, traffic.Length);
        Assert.Equal(HttpStatusCode.BadRequest, traffic[0].Status);
        Assert.False(Proof(traffic[0].Proof).Has("nonce"));
        Assert.True(Proof(traffic[1].Proof).Has("nonce"));
        Assert.Equal(HttpStatusCode.OK, traffic[1].Status);
    }

    [Fact]
    public async Task A_key_whose_algorithm_the_server_refuses_fails_with_a_typed_error()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.DPoPClient, o => o.DPoP.Key = Jwk(p384, "P-384")));

        Assert.Equal("invalid_dpop_proof", error.Error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    private async Task<AccessToken> GetTokenAsync(string clientId, Action<ClientCredentialsOptions>? configure = null)
    {
        var provider = Build(services => services.AddTokenProvider("idp", p =>
        {
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = server.TokenEndpoint;
                o.ClientId = clientId;
                o.ClientSecret = OidcProviderServer.JwtClientSecret;
                o.DPoP.Enabled = true;
                configure?.Invoke(o);
            });
            RecordTokenTraffic(p);
        })).GetRequiredKeyedService<ITokenProvider>("idp");
        return await provider.GetTokenAsync().AsTask().WaitAsync(Bound);
    }

    private void RecordTokenTraffic(ITokenProviderBuilder builder)
    {
        builder.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => new TokenRecorder(TokenTraffic)));
        builder.ConfigureResilience(r => r.Retry.Delay = TimeSpan.FromMilliseconds(10));
    }

    private ServiceProvider Build(Action<ServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        configure(services);
        var container = services.BuildServiceProvider();
        _containers.Add(container);
        return container;
    }

    private static DPoPProofView Proof(string? compact) => DPoPProofView.Read(compact ?? throw new InvalidOperationException("No proof was sent."));

    private static string Jwk(ECDsa ec, string crv)
    {
        var p = ec.ExportParameters(includePrivateParameters: true);
        return new System.Text.Json.Nodes.JsonObject
        {
            ["kty"] = "EC", ["crv"] = crv, ["x"] = System.Buffers.Text.Base64Url.EncodeToString(p.Q.X!),
            ["y"] = System.Buffers.Text.Base64Url.EncodeToString(p.Q.Y!), ["d"] = System.Buffers.Text.Base64Url.EncodeToString(p.D!),
        }.ToJsonString();
    }

    /// <summary>The token HttpClient's primary handler: real HTTP, recording each token request's proof and the status answered.</summary>
    private sealed class TokenRecorder(ConcurrentQueue<(string? Proof, HttpStatusCode Status)> traffic)
        : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var proof = request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null;
            var response = await base.SendAsync(request, cancellationToken);

            // Token requests only: discovery carries no proof.
            if (request.Method == HttpMethod.Post)
            {
                traffic.Enqueue((proof, response.StatusCode));
            }

            return response;
        }
    }
}
