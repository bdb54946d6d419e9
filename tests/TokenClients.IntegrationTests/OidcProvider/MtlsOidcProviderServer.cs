using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// oidc-provider over https with mutual TLS (<c>mtls.mjs</c>) on 127.0.0.1 at a free port, its certificate trusted only by
/// the tests' own check (<see cref="MtlsCertificates.Handler"/>). The node process exits when its standard input closes.
/// </summary>
public sealed class MtlsOidcProviderServer : IAsyncLifetime
{
    /// <summary>The client_credentials client authenticating with self_signed_tls_client_auth and <see cref="MtlsCertificates.SelfSignedClient"/>; its tokens are bound.</summary>
    public const string SelfSignedClient = "mtls-self";

    /// <summary>The client_credentials client authenticating with tls_client_auth (<c>CN=mtls-pki</c>, issued by the test CA); its tokens are bound.</summary>
    public const string PkiClient = "mtls-pki";

    /// <summary>The authorization-code client with self_signed_tls_client_auth, redirecting to <see cref="OidcProviderServer.RedirectUri"/>; its tokens are bound.</summary>
    public const string CodeClient = "mtls-code";

    /// <summary>The client that asks the introspection endpoint for the server's verdict (client_secret_basic).</summary>
    public const string Introspector = "introspector";

    /// <summary>The secret of <see cref="Introspector"/>.</summary>
    public const string IntrospectorSecret = "introspector-secret-2c8e0b7f-9d14-4a6e-b3f1-6a5d7c2e9f40";

    private Process? _node;
    private string? _configFile;

    /// <summary>Gets the certificates of the server, the CA and the clients.</summary>
    public MtlsCertificates Certificates { get; } = new();

    /// <summary>Gets the issuer, <c>https://127.0.0.1:port</c>.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>Gets what the server printed on standard error, for failure messages.</summary>
    public StringBuilder Errors { get; } = new();

    public async Task InitializeAsync()
    {
        var folder = typeof(MtlsOidcProviderServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "OidcProviderFolder").Value!;
        await OidcProviderServer.EnsurePackagesAsync(folder);
        var (key, certificate, authority) = Certificates.ServerPem();
        _configFile = Path.Combine(Path.GetTempPath(), $"oidc-mtls-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(_configFile, new JsonObject { ["key"] = key, ["cert"] = certificate, ["ca"] = authority, ["clients"] = Clients() }.ToJsonString());
        _node = Process.Start(new ProcessStartInfo("node", ["mtls.mjs", _configFile])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("node could not be started.");
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
            line = await _node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        while (line is not null && !line.StartsWith("PORT ", StringComparison.Ordinal));

        Issuer = line is null ? throw new InvalidOperationException("oidc-provider (mtls.mjs) exited before it listened: " + Errors)
            : new Uri("https://127.0.0.1:" + line["PORT ".Length..]);
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

        if (_configFile is not null)
        {
            File.Delete(_configFile);
        }

        Certificates.Dispose();
    }

    /// <summary>The server's own verdict on a token (RFC 7662): its introspection answer, with <c>active</c> and <c>cnf</c>.</summary>
    public async Task<JsonElement> IntrospectAsync(string token)
    {
        using var http = new HttpClient(Certificates.Handler()) { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Issuer, "/token/introspection"))
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Introspector}:{IntrospectorSecret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private JsonArray Clients() =>
    [
        new JsonObject
        {
            ["client_id"] = SelfSignedClient,
            ["token_endpoint_auth_method"] = "self_signed_tls_client_auth",
            ["jwks"] = new JsonObject { ["keys"] = new JsonArray(MtlsCertificates.Jwk(Certificates.SelfSignedClient)) },
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
        new JsonObject
        {
            ["client_id"] = PkiClient,
            ["token_endpoint_auth_method"] = "tls_client_auth",
            ["tls_client_auth_subject_dn"] = "CN=mtls-pki",
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
        new JsonObject
        {
            ["client_id"] = CodeClient,
            ["token_endpoint_auth_method"] = "self_signed_tls_client_auth",
            ["jwks"] = new JsonObject { ["keys"] = new JsonArray(MtlsCertificates.Jwk(Certificates.SelfSignedClient)) },
            ["tls_client_certificate_bound_access_tokens"] = true,
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["redirect_uris"] = new JsonArray(OidcProviderServer.RedirectUri.AbsoluteUri),
        },
        new JsonObject
        {
            ["client_id"] = Introspector,
            ["client_secret"] = IntrospectorSecret,
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
    ];
}
