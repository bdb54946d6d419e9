using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.OAuth2;

/// <summary>
/// The snippets of README.md's "mTLS" and "Authorization response iss (RFC 9207)" sections, run against MockHttp. The
/// README's code blocks must appear here line for line, so neither can change without the other.
/// </summary>
public sealed class ReadmeMutualTlsAndIssuerTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task The_mtls_snippet_gets_a_bound_token_through_the_alias_and_its_api_client_presents_the_certificate()
    {
        using var certificate = TestCertificates.Create();
        var pfx = Path.GetFullPath("payments.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pfx, "pfx-pass"));
        try
        {
            var (services, secrets) = (_harness.Services, new Dictionary<string, string> { ["payments-pfx"] = "pfx-pass" });
            _harness.Mock.Expect(HttpMethod.Get, "https://idp.bank.example/.well-known/openid-configuration").Respond("application/json", """
                {"issuer":"https://idp.bank.example","token_endpoint":"https://idp.bank.example/token",
                 "mtls_endpoint_aliases":{"token_endpoint":"https://mtls.idp.bank.example/token"}}
                """);
            _harness.Mock.Expect(HttpMethod.Post, "https://mtls.idp.bank.example/token")
                .WithExactFormData([new("grant_type", "client_credentials"), new("client_id", "payments")])
                .Respond("application/json", """{"access_token":"bound-1","token_type":"Bearer","expires_in":3600}""");
            services.AddHttpClient(TokenClientsHttp.ClientName("bank")).ConfigurePrimaryHttpMessageHandler(() => _harness.Mock);
            services.AddHttpClient("elsewhere", c => c.BaseAddress = new("https://api.bank.example/")).AddTokenHandler("bank")
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler());

            services.AddTokenProvider("bank", p => p.UseClientCredentials(o =>
            {
                o.Authority = new("https://idp.bank.example");
                o.ClientId = "payments";
                o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
                o.ClientCertificate.Path = "payments.pfx";                 // PKCS#12 with its key, or a PEM certificate …
                o.ClientCertificate.Password = secrets["payments-pfx"];
                // or: o.ClientCertificate.Path = "payments.pem"; o.ClientCertificate.KeyPath = "payments.key";
                // or: o.ClientCertificate.Thumbprint = "…";                // from the My store of StoreLocation
                // or: o.ClientCertificate.Certificate = certificate;       // an X509Certificate2 with its private key
                o.ClientCertificate.BoundAccessTokens = true;              // the client is registered for bound tokens
            }));

            // The API client presents the same certificate, so the API accepts the certificate-bound token.
            services.AddHttpClient("payments-api", c => c.BaseAddress = new("https://api.bank.example/"))
                    .AddTokenHandler("bank")
                    .UseClientCertificate("bank");

            Assert.Equal("bound-1", (await _harness.Get("bank").GetTokenAsync()).Value);
            var handler = _harness.Provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler("payments-api");
            while (handler is DelegatingHandler { InnerHandler: { } inner })
            {
                handler = inner;
            }

            var presented = Assert.Single(Assert.IsType<SocketsHttpHandler>(handler).SslOptions.ClientCertificates!.Cast<X509Certificate>());
            Assert.Equal(certificate.GetCertHashString(), presented.GetCertHashString());
            await Assert.ThrowsAsync<CertificateBindingException>(() => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("elsewhere").GetAsync(new Uri("me", UriKind.Relative)));
            _harness.Mock.VerifyNoOutstandingExpectation();
        }
        finally
        {
            File.Delete(pfx);
        }
    }

    [Fact]
    public async Task The_iss_snippet_refuses_another_servers_callback()
    {
        var services = _harness.Services;
        services.AddTokenProvider("crm", p => p.UseAuthorizationCode(o =>
        {
            o.AuthorizeEndpoint = new("https://idp.example/authorize");
            o.TokenEndpoint = new("https://idp.example/token");
            o.Issuer = "https://idp.example";                          // every callback must carry iss=https://idp.example
            o.ClientId = "crm";
            o.ClientSecret = "…";
            o.RedirectUri = new("https://app.example/callback");
        }));
        var flow = _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("crm");
        var userId = "alice";
        var callbackUri = new Uri($"https://app.example/callback?code=c&state={(await flow.StartAsync(userId)).State}&iss=https%3A%2F%2Fidp.evil.example");

        try
        {
            await flow.CompleteAsync(callbackUri, userId);
        }
        catch (AuthorizationResponseIssuerException)
        {
            // Not this server's answer (or no iss where the server sends one): start the sign-in again.
        }

        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Id.Id == 132);
        Assert.Null(await _harness.Provider.GetRequiredService<ITokenStore>().GetAsync("crm", userId));
    }

    [Theory]
    [InlineData("### mTLS: client certificates and certificate-bound tokens (RFC 8705)", 1)]
    [InlineData("### Authorization response iss (RFC 9207)", 1)]
    public void The_readme_shows_exactly_these_snippets(string section, int expected)
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n" + section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section \"{section}\".");
        var end = readme.IndexOf("\n#", start + section.Length + 2, StringComparison.Ordinal);
        var blocks = Regex.Matches(readme[start..(end < 0 ? readme.Length : end)], "```csharp\n(.*?)```", RegexOptions.Singleline);
        var source = "\n" + Lines(File.ReadAllText(Path.Combine(root, "tests", "TokenClients.Tests", "Protocol", "OAuth2", "ReadmeMutualTlsAndIssuerTests.cs"))) + "\n";

        Assert.Equal(expected, blocks.Count);
        foreach (Match block in blocks)
        {
            foreach (var part in block.Groups[1].Value.Split("\n\n"))
            {
                Assert.Contains("\n" + Lines(part) + "\n", source, StringComparison.Ordinal);
            }
        }
    }

    private static string Lines(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TokenClients.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (TokenClients.sln) is not above " + AppContext.BaseDirectory);
    }
}
