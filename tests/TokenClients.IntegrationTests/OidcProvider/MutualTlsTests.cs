using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// Mutual TLS client authentication and certificate-bound tokens (RFC 8705) against oidc-provider over https: the
/// server's own verdict decides (it issues the token, its introspection calls it active and bound to our certificate,
/// its userinfo accepts the bound token only over a connection that presents that certificate).
/// </summary>
[Collection(MtlsOidcProviderGroup.Name)]
public sealed partial class MutualTlsTests(MtlsOidcProviderServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly List<ServiceProvider> _containers = [];

    public FakeLogCollector Logs { get; } = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task Self_signed_tls_client_auth_gets_a_token_the_server_calls_active_and_bound_to_the_certificate()
    {
        var services = Start(s => s.AddTokenProvider("idp", p => Mtls(p, o =>
        {
            o.Authority = server.Issuer;
            o.ClientId = MtlsOidcProviderServer.SelfSignedClient;
            o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
            o.ClientCertificate.Certificate = server.Certificates.SelfSignedClient;
        })));

        var token = await services.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync().AsTask().WaitAsync(Bound);

        var verdict = await server.IntrospectAsync(token.Value);
        Assert.True(verdict.GetProperty("active").GetBoolean(), verdict.ToString());
        Assert.Equal(MtlsCertificates.X5tS256(server.Certificates.SelfSignedClient), verdict.GetProperty("cnf").GetProperty("x5t#S256").GetString());
    }

    [Fact]
    public async Task Tls_client_auth_with_a_pem_certificate_from_configuration_gets_a_token_the_server_calls_active()
    {
        var folder = Directory.CreateTempSubdirectory("mtls-");
        try
        {
            var certificate = Path.Combine(folder.FullName, "client.pem");
            var key = Path.Combine(folder.FullName, "client.key");
            await File.WriteAllTextAsync(certificate, server.Certificates.Issued.ExportCertificatePem());
            await File.WriteAllTextAsync(key, server.Certificates.Issued.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["TokenProviders:idp:Kind"] = "ClientCredentials",
                ["TokenProviders:idp:Authority"] = server.Issuer.AbsoluteUri,
                ["TokenProviders:idp:ClientId"] = MtlsOidcProviderServer.PkiClient,
                ["TokenProviders:idp:ClientAuthentication"] = "TlsClientAuth",
                ["TokenProviders:idp:ClientCertificate:Path"] = certificate,
                ["TokenProviders:idp:ClientCertificate:KeyPath"] = key,
            }).Build();
            var services = Start(s => s.AddTokenProviders(configuration.GetSection("TokenProviders"), p => Mtls(p)));

            var token = await services.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync().AsTask().WaitAsync(Bound);

            var verdict = await server.IntrospectAsync(token.Value);
            Assert.True(verdict.GetProperty("active").GetBoolean(), verdict.ToString());
            Assert.Equal(MtlsCertificates.X5tS256(server.Certificates.Issued), verdict.GetProperty("cnf").GetProperty("x5t#S256").GetString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_bound_token_works_at_userinfo_with_the_certificate_and_is_refused_without_it()
    {
        var services = Start(s =>
        {
            s.AddTokenProvider("code", p =>
            {
                p.UseAuthorizationCode(o =>
                {
                    o.Authority = server.Issuer;
                    o.ClientId = MtlsOidcProviderServer.CodeClient;
                    o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
                    o.ClientCertificate.Certificate = server.Certificates.SelfSignedClient;
                    o.ClientCertificate.BoundAccessTokens = true;
                    o.RedirectUri = OidcProviderServer.RedirectUri;
                    o.Scope = "openid";
                });
                p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(server.Certificates.Handler));
            });
            s.AddHttpClient("api", c => c.BaseAddress = server.Issuer).AddTokenHandler("code").UseClientCertificate("code")
                .ConfigurePrimaryHttpMessageHandler(server.Certificates.Handler);
            s.AddHttpClient("bare", c => c.BaseAddress = server.Issuer).AddTokenHandler("code")
                .ConfigurePrimaryHttpMessageHandler(server.Certificates.Handler);
        });
        var tokens = await SignInAsync(services.GetRequiredKeyedService<IAuthorizationCodeFlow>("code"), "alice");
        var factory = services.GetRequiredService<IHttpClientFactory>();

        using (var request = new HttpRequestMessage(HttpMethod.Get, "me").WithTokenSubject("alice"))
        using (var response = await factory.CreateClient("api").SendAsync(request).WaitAsync(Bound))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Equal("alice", JsonDocument.Parse(body).RootElement.GetProperty("sub").GetString());
        }

        // Our side: a client without the certificate never sends the bound token.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "me").WithTokenSubject("alice"))
        {
            await Assert.ThrowsAsync<CertificateBindingException>(() => factory.CreateClient("bare").SendAsync(request).WaitAsync(Bound));
        }

        // The server's side: the same token over a connection without the certificate is refused.
        using var plain = new HttpClient(server.Certificates.Handler()) { Timeout = Bound };
        using var stolen = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Issuer, "/me"));
        stolen.Headers.Authorization = new("Bearer", tokens.AccessToken);
        using var refused = await plain.SendAsync(stolen);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // Sign-out revokes the refresh token through the revocation endpoint's mutual TLS alias.
        Assert.True((await server.IntrospectAsync(tokens.RefreshToken!)).GetProperty("active").GetBoolean());
        Assert.Equal(RevocationStatus.Revoked, (await services.GetRequiredKeyedService<IAuthorizationCodeFlow>("code").SignOutAsync("alice").WaitAsync(Bound)).Revocation);
        Assert.False((await server.IntrospectAsync(tokens.RefreshToken!)).GetProperty("active").GetBoolean());
    }

    private ITokenProviderBuilder Mtls(ITokenProviderBuilder builder, Action<ClientCredentialsOptions>? configure = null)
    {
        if (configure is not null)
        {
            builder.UseClientCredentials(configure);
        }

        return builder.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(server.Certificates.Handler));
    }

    private ServiceProvider Start(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        register(services);
        var container = services.BuildServiceProvider();
        _containers.Add(container);
        return container;
    }

    /// <summary>Plays the user's browser over https: follows the authorize URL through the server's interactions to the callback.</summary>
    private async Task<TokenSet> SignInAsync(IAuthorizationCodeFlow flow, string subject)
    {
        var request = await flow.StartAsync(subject).AsTask().WaitAsync(Bound);
        var handler = server.Certificates.Handler();
        handler.UseCookies = true;
        handler.CookieContainer = new CookieContainer();
        using var browser = new HttpClient(handler) { Timeout = Bound };
        var url = request.AuthorizeUri;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location ?? throw new InvalidOperationException(
                $"The server answered {(int)response.StatusCode} without a redirect: {await response.Content.ReadAsStringAsync()}");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Path) == OidcProviderServer.RedirectUri.AbsoluteUri)
            {
                return (await flow.CompleteAsync(url, subject).WaitAsync(Bound)).Tokens;
            }
        }

        throw new InvalidOperationException("The sign-in never reached the callback.");
    }
}
