using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// An independent, OpenID Certified authorization server (the npm package <c>oidc-provider</c>) on 127.0.0.1 at a free
/// port, with one client per way of authenticating. <c>npm ci</c> runs first when its packages are missing. The node
/// process exits when its standard input closes, so it never outlives the test host.
/// </summary>
public sealed partial class OidcProviderServer : IAsyncLifetime
{
    /// <summary>The client authenticating with <c>private_key_jwt</c> and <see cref="RsaKey"/>.</summary>
    public const string RsaClient = "pkjwt-rsa";

    /// <summary>The client authenticating with <c>private_key_jwt</c> and <see cref="EcKey"/>.</summary>
    public const string EcClient = "pkjwt-ec";

    /// <summary>The client authenticating with <c>client_secret_jwt</c> and <see cref="JwtClientSecret"/>.</summary>
    public const string SecretJwtClient = "secret-jwt";

    /// <summary>The authorization-code client (private_key_jwt with <see cref="RsaKey"/>), redirecting to <see cref="RedirectUri"/>.</summary>
    public const string CodeClient = "code-rsa";

    /// <summary>The client that asks the server's introspection endpoint for its verdict (client_secret_basic).</summary>
    public const string Introspector = "introspector";

    /// <summary>The secret of <see cref="SecretJwtClient"/> and of <see cref="Introspector"/>.</summary>
    public const string JwtClientSecret = "jwt-secret-6f1d2c9a-4b7e-4a31-9d0c-5e8f7a6b3c21";

    /// <summary>The redirect URI registered for <see cref="CodeClient"/>.</summary>
    public static readonly Uri RedirectUri = new("http://127.0.0.1/callback");

    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private Process? _node;
    private string? _clientsFile;

    /// <summary>Gets the RSA key registered (its public part) for <see cref="RsaClient"/> and <see cref="CodeClient"/>.</summary>
    public RSA RsaKey { get; } = RSA.Create(2048);

    /// <summary>Gets the P-256 key registered (its public part) for <see cref="EcClient"/>.</summary>
    public ECDsa EcKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Gets the issuer, <c>http://127.0.0.1:port</c>.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(Issuer, "/token");

    /// <summary>Gets what the server printed on standard error, for failure messages.</summary>
    public StringBuilder Errors { get; } = new();

    public async Task InitializeAsync()
    {
        var folder = typeof(OidcProviderServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OidcProviderFolder").Value!;
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            await NpmCiAsync(folder);
        }

        _clientsFile = Path.Combine(Path.GetTempPath(), $"oidc-clients-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_clientsFile, Clients().ToJsonString());
        var start = new ProcessStartInfo("node", ["server.mjs", _clientsFile])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _node = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        _node.ErrorDataReceived += (_, e) =>
        {
            lock (Errors)
            {
                Errors.AppendLine(e.Data);
            }
        };
        _node.BeginErrorReadLine();
        string? line;
        do
        {
            line = await _node.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout);
        }
        while (line is not null && !line.StartsWith("PORT ", StringComparison.Ordinal));

        if (line is null)
        {
            throw new InvalidOperationException("oidc-provider exited before it listened: " + Errors);
        }

        Issuer = new Uri("http://127.0.0.1:" + line["PORT ".Length..]);
    }

    public async Task DisposeAsync()
    {
        if (_node is { } node)
        {
            node.StandardInput.Close();
            try
            {
                await node.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                node.Kill(entireProcessTree: true);
            }

            node.Dispose();
        }

        if (_clientsFile is not null)
        {
            File.Delete(_clientsFile);
        }

        RsaKey.Dispose();
        EcKey.Dispose();
    }

    /// <summary>The server's own verdict on a token (RFC 7662): whether its introspection endpoint says it is active.</summary>
    public async Task<bool> IsActiveAsync(string token, string hint)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Issuer, "/token/introspection"))
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", hint)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Introspector}:{JwtClientSecret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("active").GetBoolean();
    }

    /// <summary>A private JWK of <paramref name="rsa"/> (what an application keeps as a secret).</summary>
    public static string PrivateJwk(RSA rsa, string kid)
    {
        var p = rsa.ExportParameters(includePrivateParameters: true);
        return new JsonObject
        {
            ["kty"] = "RSA", ["kid"] = kid, ["n"] = B(p.Modulus), ["e"] = B(p.Exponent), ["d"] = B(p.D), ["p"] = B(p.P), ["q"] = B(p.Q),
            ["dp"] = B(p.DP), ["dq"] = B(p.DQ), ["qi"] = B(p.InverseQ),
        }.ToJsonString();
    }

    /// <summary>A private JWK of <paramref name="ec"/> on P-256.</summary>
    public static string PrivateJwk(ECDsa ec, string kid)
    {
        var p = ec.ExportParameters(includePrivateParameters: true);
        return new JsonObject { ["kty"] = "EC", ["kid"] = kid, ["crv"] = "P-256", ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y), ["d"] = B(p.D) }.ToJsonString();
    }

    private static string B(byte[]? bytes) => Base64Url.EncodeToString(bytes!);

    private static JsonObject PublicJwk(RSA rsa)
    {
        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "RSA", ["kid"] = "rsa-1", ["use"] = "sig", ["n"] = B(p.Modulus), ["e"] = B(p.Exponent) };
    }

    private static JsonObject PublicJwk(ECDsa ec)
    {
        var p = ec.ExportParameters(includePrivateParameters: false);
        return new JsonObject { ["kty"] = "EC", ["kid"] = "ec-1", ["use"] = "sig", ["crv"] = "P-256", ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y) };
    }

    /// <summary>Gets a self-signed certificate over <see cref="RsaKey"/>, with the private key, registered for <see cref="RsaClient"/> under its SHA-256 thumbprint.</summary>
    public X509Certificate2 Certificate => field ??= new CertificateRequest("CN=pkjwt-rsa", RsaKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        .CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private JsonArray Clients()
    {
        var certificateKey = PublicJwk(RsaKey);
        certificateKey["kid"] = B(Certificate.GetCertHash(HashAlgorithmName.SHA256));
        return Clients(certificateKey);
    }

    private JsonArray Clients(JsonObject certificateKey) =>
    [
        Client(RsaClient, "private_key_jwt", new JsonObject { ["keys"] = new JsonArray(PublicJwk(RsaKey), certificateKey) }),
        Client(EcClient, "private_key_jwt", new JsonObject { ["keys"] = new JsonArray(PublicJwk(EcKey)) }),
        Client(SecretJwtClient, "client_secret_jwt", null),
        Client(Introspector, "client_secret_basic", null),
        new JsonObject
        {
            ["client_id"] = CodeClient,
            ["token_endpoint_auth_method"] = "private_key_jwt",
            ["jwks"] = new JsonObject { ["keys"] = new JsonArray(PublicJwk(RsaKey)) },
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["redirect_uris"] = new JsonArray(RedirectUri.AbsoluteUri),
        },
        .. DPoPClients(),
        .. ExchangeClients(),
    ];

    private static JsonObject Client(string id, string method, JsonObject? jwks)
    {
        var client = new JsonObject
        {
            ["client_id"] = id,
            ["token_endpoint_auth_method"] = method,
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        };
        if (jwks is null)
        {
            client["client_secret"] = JwtClientSecret;
        }
        else
        {
            client["jwks"] = jwks;
        }

        return client;
    }
}
