using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.IntegrationTests.OidcProvider;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// The secrets of client assertions and sign-ins against oidc-provider — client secrets, the private keys (JWK and
/// certificate), the assertions themselves, codes, refresh and access tokens — reach no log (Trace, every category), no
/// activity tag or event, no metric tag, no exception and no <c>ToString()</c>, in successful and refused flows.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed class ClientAssertionSecretLeakTests(OidcProviderServer server) : IDisposable
{
    private const string WrongSecret = "wrong-jwt-secret-0b9e4c1d-77aa-4f3e-8c52-19d6e0a4b7f3";
    private const string PfxPassword = "pfx-password-5a7c";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TelemetryCapture _capture = new();
    private readonly WireSecrets _wire = new(new SocketsHttpHandler());

    public void Dispose() => _capture.Dispose();

    [Fact]
    public async Task No_client_secret_private_key_assertion_or_refresh_token_reaches_logs_traces_metrics_or_exceptions()
    {
        var pfx = Path.Combine(Path.GetTempPath(), $"leak-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(pfx, server.Certificate.Export(X509ContentType.Pfx, PfxPassword));
        try
        {
            await using var services = Start(s =>
            {
                Client(s, "rsa", OidcProviderServer.RsaClient, o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1"));
                Client(s, "ec", OidcProviderServer.EcClient, o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.EcKey, "ec-1"));
                Client(s, "pfx", OidcProviderServer.RsaClient, o =>
                {
                    o.ClientAssertion.CertificatePath = pfx;
                    o.ClientAssertion.CertificatePassword = PfxPassword;
                });
                Client(s, "hs", OidcProviderServer.SecretJwtClient, o => Secret(o, OidcProviderServer.JwtClientSecret));
                Client(s, "refused", OidcProviderServer.SecretJwtClient, o => Secret(o, WrongSecret));
                s.AddTokenProvider("code", p =>
                {
                    p.UseAuthorizationCode(o =>
                    {
                        o.Authority = server.Issuer;
                        o.ClientId = OidcProviderServer.CodeClient;
                        o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
                        o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1");
                        o.RedirectUri = OidcProviderServer.RedirectUri;
                        o.Scope = "openid";
                    });
                    p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => _wire));
                });
            });

            foreach (var name in new[] { "rsa", "ec", "pfx", "hs" })
            {
                _capture.Keep(await services.GetRequiredKeyedService<ITokenProvider>(name).GetTokenAsync().AsTask().WaitAsync(Bound));
            }

            var refused = await Assert.ThrowsAsync<TokenRequestException>(() => services.GetRequiredKeyedService<ITokenProvider>("refused").GetTokenAsync().AsTask().WaitAsync(Bound));
            Assert.Equal("invalid_client", refused.Error);
            _capture.Keep(refused);

            // A sign-in, a refresh for a narrower scope (the refresh token on the wire), and a sign-out that revokes it.
            var flow = services.GetRequiredKeyedService<IAuthorizationCodeFlow>("code");
            _capture.Keep(await SignInAsync(flow, "alice"));
            _capture.Keep(await services.GetRequiredKeyedService<ITokenProvider>("code").GetTokenAsync(new TokenContext(subject: "alice", scope: "openid")).AsTask().WaitAsync(Bound));
            _capture.Keep(await flow.SignOutAsync("alice").WaitAsync(Bound));
        }
        finally
        {
            File.Delete(pfx);
        }

        // What was searched is real: assertions of every key, a refresh token on the wire both ways, and every kind of output.
        Assert.True(_wire.Count("client_assertion") >= 6, $"{_wire.Count("client_assertion")} assertions");
        Assert.True(_wire.Count("refresh_token") >= 2, $"{_wire.Count("refresh_token")} refresh tokens");
        var everything = _capture.Everything();
        Assert.Contains("log TokenClients.TokenClient", everything, StringComparison.Ordinal);
        Assert.Contains("activity TokenClients", everything, StringComparison.Ordinal);
        Assert.Contains("metric TokenClients tokenclients.", everything, StringComparison.Ordinal);
        _capture.AssertNoneOf([.. _wire.Seen, .. KeySecrets()]);
    }

    private IEnumerable<(string Kind, string Secret)> KeySecrets()
    {
        yield return ("client secret", OidcProviderServer.JwtClientSecret);
        yield return ("client secret", WrongSecret);
        yield return ("certificate password", PfxPassword);
        yield return ("private key (JWK)", OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1"));
        yield return ("private key (JWK)", OidcProviderServer.PrivateJwk(server.EcKey, "ec-1"));
        foreach (var member in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            yield return ("private key part", JsonDocument.Parse(OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1")).RootElement.GetProperty(member).GetString()!);
        }

        yield return ("private key part", JsonDocument.Parse(OidcProviderServer.PrivateJwk(server.EcKey, "ec-1")).RootElement.GetProperty("d").GetString()!);
        var pkcs8 = Convert.ToBase64String(server.RsaKey.ExportPkcs8PrivateKey());
        yield return ("certificate private key (PKCS#8)", pkcs8);
        yield return ("certificate private key (PEM line)", pkcs8[64..128]);
    }

    private void Client(IServiceCollection services, string name, string clientId, Action<ClientCredentialsOptions> configure) =>
        services.AddTokenProvider(name, p =>
        {
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = server.TokenEndpoint;
                o.ClientId = clientId;
                o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
                configure(o);
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => _wire));
            p.ConfigureResilience(r => r.Retry.MaxRetryAttempts = 1);
        });

    private static void Secret(ClientCredentialsOptions options, string secret)
    {
        options.ClientAuthentication = ClientAuthenticationMethod.ClientSecretJwt;
        options.ClientSecret = secret;
    }

    private ServiceProvider Start(Action<IServiceCollection> register)
    {
        var services = new ServiceCollection();
        _capture.AddLogging(services);
        register(services);
        return services.BuildServiceProvider();
    }

    private static async Task<AuthorizationResult> SignInAsync(IAuthorizationCodeFlow flow, string subject)
    {
        var request = await flow.StartAsync(subject);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { Timeout = Bound };
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
