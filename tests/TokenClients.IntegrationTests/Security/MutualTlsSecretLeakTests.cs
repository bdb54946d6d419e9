using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.IntegrationTests.OidcProvider;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// The secrets of mutual TLS against oidc-provider — the client certificates' private keys and file password, the
/// certificate-bound access and refresh tokens — reach no log (Trace, every category, API clients' included), no
/// activity tag or event, no metric tag, no exception and no <c>ToString()</c>, in successful and refused flows.
/// </summary>
[Collection(MtlsOidcProviderGroup.Name)]
public sealed class MutualTlsSecretLeakTests(MtlsOidcProviderServer server) : IDisposable
{
    private const string PfxPassword = "mtls-pfx-password-81f3";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TelemetryCapture _capture = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("mtls-leak-");
    private readonly ConcurrentQueue<(string Kind, string Secret)> _seen = new();

    public void Dispose()
    {
        _capture.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task No_certificate_private_key_password_or_bound_token_reaches_logs_traces_metrics_or_exceptions()
    {
        var certificates = server.Certificates;
        var pfx = Path.Combine(_folder.FullName, "self.pfx");
        var pem = Path.Combine(_folder.FullName, "pki.pem");
        var key = Path.Combine(_folder.FullName, "pki.key");
        await File.WriteAllBytesAsync(pfx, certificates.SelfSignedClient.Export(X509ContentType.Pfx, PfxPassword));
        await File.WriteAllTextAsync(pem, certificates.Issued.ExportCertificatePem());
        await File.WriteAllTextAsync(key, certificates.Issued.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var services = new ServiceCollection();
        _capture.AddLogging(services);
        Client(services, "self", MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, c => { c.Path = pfx; c.Password = PfxPassword; });
        Client(services, "pki", MtlsOidcProviderServer.PkiClient, ClientAuthenticationMethod.TlsClientAuth, c => { c.Path = pem; c.KeyPath = key; });
        Client(services, "intruder", MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, c => c.Certificate = certificates.Intruder);
        services.AddTokenProvider("code", p =>
        {
            p.UseAuthorizationCode(o =>
            {
                o.Authority = server.Issuer;
                o.ClientId = MtlsOidcProviderServer.CodeClient;
                o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
                o.ClientCertificate.Path = pfx;
                o.ClientCertificate.Password = PfxPassword;
                o.ClientCertificate.BoundAccessTokens = true;
                o.RedirectUri = OidcProviderServer.RedirectUri;
                o.Scope = "openid";
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(Wire));
        });
        services.AddHttpClient("api", c => c.BaseAddress = server.Issuer).AddTokenHandler("code").UseClientCertificate("code").ConfigurePrimaryHttpMessageHandler(certificates.Handler);
        services.AddHttpClient("bare", c => c.BaseAddress = server.Issuer).AddTokenHandler("code").ConfigurePrimaryHttpMessageHandler(certificates.Handler);
        await using var container = services.BuildServiceProvider();

        _capture.Keep(await container.GetRequiredKeyedService<ITokenProvider>("self").GetTokenAsync().AsTask().WaitAsync(Bound));
        _capture.Keep(await container.GetRequiredKeyedService<ITokenProvider>("pki").GetTokenAsync().AsTask().WaitAsync(Bound));
        _capture.Keep(await Assert.ThrowsAsync<TokenRequestException>(() => container.GetRequiredKeyedService<ITokenProvider>("intruder").GetTokenAsync().AsTask().WaitAsync(Bound)));

        // A sign-in, the bound token at userinfo (with and without the certificate), a refresh, and a sign-out that revokes.
        var flow = container.GetRequiredKeyedService<IAuthorizationCodeFlow>("code");
        _capture.Keep(await SignInAsync(flow, "alice"));
        var factory = container.GetRequiredService<IHttpClientFactory>();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "me").WithTokenSubject("alice"))
        using (var response = await factory.CreateClient("api").SendAsync(request).WaitAsync(Bound))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var request = new HttpRequestMessage(HttpMethod.Get, "me").WithTokenSubject("alice"))
        {
            _capture.Keep(await Assert.ThrowsAsync<CertificateBindingException>(() => factory.CreateClient("bare").SendAsync(request).WaitAsync(Bound)));
        }

        _capture.Keep(await container.GetRequiredKeyedService<ITokenProvider>("code").GetTokenAsync(new TokenContext(subject: "alice", scope: "openid")).AsTask().WaitAsync(Bound));
        _capture.Keep(await flow.SignOutAsync("alice").WaitAsync(Bound));

        // What was searched is real: bound tokens and a refresh token crossed the wire; every kind of output was produced.
        Assert.True(Count("refresh_token") >= 2, $"{Count("refresh_token")} refresh tokens");
        Assert.True(Count("access_token") >= 3, $"{Count("access_token")} access tokens");
        var everything = _capture.Everything();
        Assert.Contains("log System.Net.Http.HttpClient.api", everything, StringComparison.Ordinal);
        Assert.Contains("activity TokenClients", everything, StringComparison.Ordinal);
        Assert.Contains("metric TokenClients tokenclients.", everything, StringComparison.Ordinal);
        Assert.Contains("log TokenClients.", everything, StringComparison.Ordinal);
        _capture.AssertNoneOf([.. _seen, .. KeySecrets(certificates)]);
    }

    private static IEnumerable<(string Kind, string Secret)> KeySecrets(MtlsCertificates certificates)
    {
        yield return ("certificate file password", PfxPassword);
        foreach (var certificate in new[] { certificates.SelfSignedClient, certificates.Issued, certificates.Intruder })
        {
            var pkcs8 = Convert.ToBase64String(certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKey());
            yield return ("certificate private key (PKCS#8)", pkcs8);
            yield return ("certificate private key (PEM line)", pkcs8[64..128]);
            yield return ("certificate private key (PKCS#12)", Convert.ToBase64String(certificate.Export(X509ContentType.Pfx))[..64]);
        }
    }

    // One primary handler per client, as the factory makes them: each presents its own provider's certificate.
    private WireSecrets Wire() => new(server.Certificates.Handler(), _seen);

    private int Count(string kind) => _seen.Count(s => s.Kind == kind);

    private void Client(IServiceCollection services, string name, string clientId, ClientAuthenticationMethod method, Action<ClientCertificateOptions> certificate) =>
        services.AddTokenProvider(name, p =>
        {
            p.UseClientCredentials(o =>
            {
                o.Authority = server.Issuer;
                o.ClientId = clientId;
                o.ClientAuthentication = method;
                certificate(o.ClientCertificate);
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(Wire));
            p.ConfigureResilience(r => r.Retry.MaxRetryAttempts = 1);
        });

    private async Task<AuthorizationResult> SignInAsync(IAuthorizationCodeFlow flow, string subject)
    {
        var request = await flow.StartAsync(subject);
        var handler = server.Certificates.Handler();
        handler.UseCookies = true;
        handler.CookieContainer = new CookieContainer();
        using var browser = new HttpClient(handler) { Timeout = Bound };
        var url = request.AuthorizeUri;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location ?? throw new InvalidOperationException($"The server answered {(int)response.StatusCode} without a redirect.");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Path) == OidcProviderServer.RedirectUri.AbsoluteUri)
            {
                return await flow.CompleteAsync(url, subject).WaitAsync(Bound);
            }
        }

        throw new InvalidOperationException("The sign-in never reached the callback.");
    }
}
