using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>The DPoP clients (RFC 9449): every one asks for DPoP-bound access tokens (<c>dpop_bound_access_tokens</c>).</summary>
public sealed partial class OidcProviderServer
{
    /// <summary>A client_credentials client whose tokens must be DPoP-bound (client_secret_basic, <see cref="JwtClientSecret"/>).</summary>
    public const string DPoPClient = "dpop-cc";

    /// <summary>Like <see cref="DPoPClient"/>, and the token endpoint requires a DPoP nonce from it (see dpop.mjs).</summary>
    public const string DPoPNonceClient = "dpop-nonce";

    /// <summary>An authorization-code client with DPoP-bound tokens and the openid scope, for the userinfo endpoint (client_secret_basic).</summary>
    public const string DPoPCodeClient = "dpop-code";

    /// <summary>The test header that makes the server require a DPoP nonce on that request (userinfo included), see dpop.mjs.</summary>
    public const string RequireNonceHeader = "x-require-dpop-nonce";

    /// <summary>Gets the userinfo endpoint, the API protected by this server that checks DPoP-bound tokens and their proofs.</summary>
    public Uri UserInfoEndpoint => new(Issuer, "/me");

    /// <summary>The server's own verdict on a token (RFC 7662), whole: <c>active</c>, <c>token_type</c>, <c>cnf.jkt</c>.</summary>
    public async Task<JsonElement> IntrospectAsync(string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Issuer, "/token/introspection"))
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Introspector}:{JwtClientSecret}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<JsonNode> DPoPClients()
    {
        var clients = new List<JsonNode>();
        foreach (var id in new[] { DPoPClient, DPoPNonceClient })
        {
            var client = Client(id, "client_secret_basic", null);
            client["dpop_bound_access_tokens"] = true;
            clients.Add(client);
        }

        clients.Add(new JsonObject
        {
            ["client_id"] = DPoPCodeClient,
            ["client_secret"] = JwtClientSecret,
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("authorization_code", "refresh_token"),
            ["response_types"] = new JsonArray("code"),
            ["redirect_uris"] = new JsonArray(RedirectUri.AbsoluteUri),
            ["dpop_bound_access_tokens"] = true,
        });
        return clients;
    }
}
