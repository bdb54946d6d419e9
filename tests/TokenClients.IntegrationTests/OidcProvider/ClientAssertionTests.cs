using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// private_key_jwt and client_secret_jwt (RFC 7523, OpenID Connect Core section 9) against oidc-provider: the server's
/// own verdict decides (it issues the token, its introspection calls it active, or it answers invalid_client).
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed partial class ClientAssertionTests(OidcProviderServer server) : IAsyncDisposable
{
    private readonly List<ServiceProvider> _containers = [];
    private readonly ConcurrentQueue<string> _bodies = new();

    public FakeLogCollector Logs { get; } = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _containers)
        {
            await container.DisposeAsync();
        }
    }

    [Fact]
    public async Task Private_key_jwt_with_an_rsa_jwk_gets_a_token_the_server_calls_active()
    {
        var token = await GetTokenAsync(OidcProviderServer.RsaClient, o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1"));

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        var assertion = Assertion(Assert.Single(_bodies));
        Assert.Equal("RS256", assertion.Header.GetProperty("alg").GetString());
        Assert.Equal(server.TokenEndpoint.AbsoluteUri, assertion.Payload.GetProperty("aud").GetString());
        Assert.Equal(OidcProviderServer.RsaClient, assertion.Payload.GetProperty("iss").GetString());
    }

    [Fact]
    public async Task Private_key_jwt_with_an_ec_jwk_gets_a_token_the_server_calls_active()
    {
        var token = await GetTokenAsync(OidcProviderServer.EcClient, o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.EcKey, "ec-1"));

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        Assert.Equal("ES256", Assertion(Assert.Single(_bodies)).Header.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task Private_key_jwt_with_a_certificate_file_gets_a_token_the_server_calls_active()
    {
        var path = Path.Combine(Path.GetTempPath(), $"pkjwt-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(path, server.Certificate.Export(X509ContentType.Pfx, "pfx-password"));
        try
        {
            var token = await GetTokenAsync(OidcProviderServer.RsaClient, o =>
            {
                o.ClientAssertion.CertificatePath = path;
                o.ClientAssertion.CertificatePassword = "pfx-password";
            });

            Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task An_assertion_source_signing_elsewhere_gets_a_token_the_server_calls_active()
    {
        var source = new VaultSigner(server.RsaKey);

        var token = await GetTokenAsync(OidcProviderServer.RsaClient, o => o.ClientAssertion.Source = source);

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        var context = Assert.Single(source.Asked);
        Assert.Equal(server.TokenEndpoint.AbsoluteUri, context.Audience);
        Assert.Equal(OidcProviderServer.RsaClient, context.ClientId);
    }

    [Fact]
    public async Task Private_key_jwt_with_a_certificate_from_the_store_gets_a_token_the_server_calls_active()
    {
        using var withKey = X509CertificateLoader.LoadPkcs12(server.Certificate.Export(X509ContentType.Pfx, "pfx-password"), "pfx-password", X509KeyStorageFlags.Exportable);
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadWrite);
        store.Add(withKey);
        try
        {
            var token = await GetTokenAsync(OidcProviderServer.RsaClient, o => o.ClientAssertion.CertificateThumbprint = withKey.Thumbprint);

            Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
            Assert.Equal(Base64Url.EncodeToString(withKey.GetCertHash(HashAlgorithmName.SHA256)),
                Assertion(Assert.Single(_bodies)).Header.GetProperty("x5t#S256").GetString());
        }
        finally
        {
            store.Remove(withKey);
        }
    }

    [Fact]
    public async Task Client_secret_jwt_gets_a_token_the_server_calls_active_and_never_sends_the_secret()
    {
        var token = await GetTokenAsync(OidcProviderServer.SecretJwtClient, o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretJwt;
            o.ClientSecret = OidcProviderServer.JwtClientSecret;
        });

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        var body = Assert.Single(_bodies);
        Assert.Equal("HS256", Assertion(body).Header.GetProperty("alg").GetString());
        Assert.DoesNotContain(OidcProviderServer.JwtClientSecret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issuer_audience_from_discovery_is_accepted_by_the_server()
    {
        var token = await GetTokenAsync(OidcProviderServer.EcClient, o =>
        {
            o.TokenEndpoint = null;
            o.Authority = server.Issuer;
            o.ClientAssertion.Audience = ClientAssertionAudience.Issuer;
            o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.EcKey, "ec-1");
        });

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        Assert.Equal(server.Issuer.AbsoluteUri.TrimEnd('/'), Assertion(Assert.Single(_bodies)).Payload.GetProperty("aud").GetString());
    }

    [Fact]
    public async Task Private_key_jwt_from_configuration_gets_a_token_the_server_calls_active()
    {
        var services = Services(time: null);
        services.AddTokenProviders(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["idp:Kind"] = "ClientCredentials",
            ["idp:TokenEndpoint"] = server.TokenEndpoint.AbsoluteUri,
            ["idp:ClientId"] = OidcProviderServer.EcClient,
            ["idp:ClientAuthentication"] = "PrivateKeyJwt",
            ["idp:ClientAssertion:SigningKey"] = OidcProviderServer.PrivateJwk(server.EcKey, "ec-1"),
            ["idp:ClientAssertion:Lifetime"] = "00:00:30",
        }).Build());
        services.AddHttpClient(TokenClientsHttp.ClientName("idp")).ConfigurePrimaryHttpMessageHandler(() => new Recording(_bodies, failFirst: false));

        var token = await Build(services).GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        var payload = Assertion(Assert.Single(_bodies)).Payload;
        Assert.Equal(30, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
    }

    private async Task<AccessToken> GetTokenAsync(string clientId, Action<ClientCredentialsOptions> configure, TimeProvider? time = null, bool failFirst = false)
    {
        var name = "idp" + _containers.Count;
        var services = Services(time);
        services.AddTokenProvider(name, p =>
        {
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = server.TokenEndpoint;
                o.ClientId = clientId;
                o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
                configure(o);
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => new Recording(_bodies, failFirst)));
            p.ConfigureResilience(r => r.Retry.Delay = TimeSpan.FromMilliseconds(10));
        });
        return await Build(services).GetRequiredKeyedService<ITokenProvider>(name).GetTokenAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private ServiceCollection Services(TimeProvider? time)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        return services;
    }

    private ServiceProvider Build(ServiceCollection services)
    {
        var container = services.BuildServiceProvider();
        _containers.Add(container);
        return container;
    }

    private static string Field(string body, string name) =>
        body.Split('&').Select(pair => pair.Split('=', 2)).Single(pair => pair[0] == name)[1];

    private static (JsonElement Header, JsonElement Payload) Assertion(string body)
    {
        var parts = Uri.UnescapeDataString(Field(body, "client_assertion")).Split('.');
        Assert.Equal(3, parts.Length);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", Uri.UnescapeDataString(Field(body, "client_assertion_type")));
        return (JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement, JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement);
    }

    /// <summary>An assertion source standing for a key held in a vault: it signs what it is asked for with a key the library never sees.</summary>
    private sealed class VaultSigner(RSA key) : IClientAssertionSource
    {
        public ConcurrentQueue<ClientAssertionContext> Asked { get; } = new();

        public ValueTask<string> GetAssertionAsync(ClientAssertionContext context, CancellationToken cancellationToken)
        {
            Asked.Enqueue(context);
            var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["kid"] = "rsa-1" }));
            var payload = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
            {
                ["iss"] = context.ClientId, ["sub"] = context.ClientId, ["aud"] = context.Audience, ["jti"] = Guid.NewGuid().ToString("N"),
                ["iat"] = context.IssuedAt.ToUnixTimeSeconds(), ["exp"] = context.ExpiresAt.ToUnixTimeSeconds(),
            }));
            var signature = key.SignData(System.Text.Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            return ValueTask.FromResult($"{header}.{payload}.{Base64Url.EncodeToString(signature)}");
        }
    }

    /// <summary>The primary handler: records each attempt's body; optionally refuses the first connection before anything is sent.</summary>
    private sealed class Recording(ConcurrentQueue<string> bodies, bool failFirst) : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _attempts;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Get)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            bodies.Enqueue(await request.Content!.ReadAsStringAsync(cancellationToken));
            return failFirst && Interlocked.Increment(ref _attempts) == 1
                ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (simulated).")
                : await base.SendAsync(request, cancellationToken);
        }
    }
}
