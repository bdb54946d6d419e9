using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.OAuth2;

/// <summary>Mutual TLS client authentication (RFC 8705): what goes in the body, which endpoint, which certificate the connection offers.</summary>
public sealed class MutualTlsWireTests : IAsyncDisposable
{
    private const string Discovery = "https://idp.example/.well-known/openid-configuration";
    private const string TokenJson = """{"access_token":"at-1","token_type":"Bearer","expires_in":3600}""";
    private readonly Harness _harness = new();
    private readonly X509Certificate2 _certificate = TestCertificates.Create();

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _certificate.Dispose();
    }

    [Theory]
    [InlineData(ClientAuthenticationMethod.TlsClientAuth)]
    [InlineData(ClientAuthenticationMethod.SelfSignedTlsClientAuth)]
    public async Task Mutual_tls_sends_only_the_client_id_in_the_body_and_no_secret_or_authorization_header(ClientAuthenticationMethod method)
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token")
            .With(request => request.Headers.Authorization is null)
            .WithExactFormData([new("grant_type", "client_credentials"), new("client_id", "mtls-client")])
            .Respond("application/json", TokenJson);
        Add(method, o => o.TokenEndpoint = new Uri("https://idp.example/token"));

        Assert.Equal("at-1", (await _harness.Get("idp").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task A_client_with_a_certificate_uses_the_mtls_endpoint_alias_of_the_discovery_document()
    {
        _harness.Mock.Expect(HttpMethod.Get, Discovery).Respond("application/json", """
            {"issuer":"https://idp.example","token_endpoint":"https://idp.example/token",
             "mtls_endpoint_aliases":{"token_endpoint":"https://mtls.idp.example/token"}}
            """);
        _harness.Mock.Expect(HttpMethod.Post, "https://mtls.idp.example/token").Respond("application/json", TokenJson);
        Add(ClientAuthenticationMethod.SelfSignedTlsClientAuth, o => o.Authority = new Uri("https://idp.example"));

        await _harness.Get("idp").GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task A_client_without_a_certificate_ignores_the_mtls_endpoint_aliases()
    {
        _harness.Mock.Expect(HttpMethod.Get, Discovery).Respond("application/json", """
            {"issuer":"https://idp.example","token_endpoint":"https://idp.example/token",
             "mtls_endpoint_aliases":{"token_endpoint":"https://mtls.idp.example/token"}}
            """);
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond("application/json", TokenJson);
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.Authority = new Uri("https://idp.example");
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));

        await _harness.Get("idp").GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task An_mtls_alias_over_plain_http_fails_with_a_typed_error_and_sends_nothing_there()
    {
        _harness.Mock.Expect(HttpMethod.Get, Discovery).Respond("application/json", """
            {"issuer":"https://idp.example","token_endpoint":"https://idp.example/token",
             "mtls_endpoint_aliases":{"token_endpoint":"http://mtls.idp.example/token"}}
            """);
        Add(ClientAuthenticationMethod.TlsClientAuth, o => o.Authority = new Uri("https://idp.example"));

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Get("idp").GetTokenAsync().AsTask());

        Assert.Contains("mtls_endpoint_aliases", error.Message, StringComparison.Ordinal);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public void The_token_endpoint_client_presents_the_certificate_whatever_primary_handler_was_configured_before()
    {
        var server = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None } };
        _harness.Services.AddTokenProvider("idp", p =>
        {
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => server));
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "mtls-client";
                o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
                o.ClientCertificate.Certificate = _certificate;
            });
        });

        var handler = _harness.Provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(TokenClientsHttp.ClientName("idp"));

        Assert.Same(_certificate, Assert.Single(server.SslOptions.ClientCertificates!));
        Assert.Same(_certificate, server.SslOptions.LocalCertificateSelectionCallback!(this, "idp.example", [], null, []));
        Assert.NotNull(server.SslOptions.RemoteCertificateValidationCallback);
        Assert.NotNull(handler);
    }

    [Fact]
    public void An_api_client_presents_the_provider_certificate_with_use_client_certificate_and_not_without()
    {
        var with = new HttpClientHandler();
        var without = new SocketsHttpHandler();
        Add(ClientAuthenticationMethod.SelfSignedTlsClientAuth, o => o.TokenEndpoint = new Uri("https://idp.example/token"));
        _harness.Services.AddHttpClient("api").ConfigurePrimaryHttpMessageHandler(() => with).UseClientCertificate("idp");
        _harness.Services.AddHttpClient("plain").ConfigurePrimaryHttpMessageHandler(() => without);
        var factory = _harness.Provider.GetRequiredService<IHttpMessageHandlerFactory>();

        factory.CreateHandler("api");
        factory.CreateHandler("plain");

        Assert.Equal(ClientCertificateOption.Manual, with.ClientCertificateOptions);
        Assert.Same(_certificate, Assert.Single(with.ClientCertificates));
        Assert.Null(without.SslOptions.ClientCertificates);
    }

    [Fact]
    public void Use_client_certificate_of_a_provider_without_one_fails_when_the_client_is_created()
    {
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));
        _harness.Services.AddHttpClient("api").UseClientCertificate("idp");

        var error = Assert.Throws<InvalidOperationException>(() => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api"));

        Assert.Contains("HttpClient 'api' presents the client certificate of token provider 'idp' (UseClientCertificate), but that provider has no ClientCertificate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Providers_that_differ_only_in_their_certificate_never_share_tokens_through_the_shared_cache()
    {
        using var other = TestCertificates.Create("CN=other");
        foreach (var (name, certificate) in new[] { ("a", _certificate), ("b", other), ("c", _certificate) })
        {
            _harness.AddProvider(name, p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "mtls-client";
                o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
                o.ClientCertificate.Certificate = certificate;
            }));
        }

        var fingerprints = new[] { "a", "b", "c" }.Select(n => TokenClients.Caching.ConfigurationFingerprint.Of(_harness.Provider.GetRequiredKeyedService<ITokenClient>(n))).ToList();

        Assert.NotEqual(fingerprints[0].Request, fingerprints[1].Request);
        Assert.Equal(fingerprints[0].Request, fingerprints[2].Request);
    }

    private void Add(ClientAuthenticationMethod method, Action<ClientCredentialsOptions> endpoint) =>
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            endpoint(o);
            o.ClientId = "mtls-client";
            o.ClientAuthentication = method;
            o.ClientCertificate.Certificate = _certificate;
        }));
}
