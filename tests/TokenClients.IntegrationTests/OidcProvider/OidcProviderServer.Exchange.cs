using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// The clients and test routes of the device flow (<c>device.mjs</c>) and token exchange (<c>exchange.mjs</c>): a public
/// device client, a confidential exchanging client, and a client-credentials client whose tokens are exchanged.
/// </summary>
public sealed partial class OidcProviderServer
{
    /// <summary>The public client of the device flow (no secret), with refresh tokens.</summary>
    public const string DeviceClient = "device-public";

    /// <summary>The client that exchanges tokens (client_secret_basic with <see cref="ExchangeSecret"/>).</summary>
    public const string ExchangeClient = "exchanger";

    /// <summary>A client whose own tokens (client_credentials, <see cref="ExchangeSecret"/>) are subject tokens.</summary>
    public const string SubjectClient = "subject-cc";

    /// <summary>The secret of <see cref="ExchangeClient"/> and <see cref="SubjectClient"/>.</summary>
    public const string ExchangeSecret = "exchange-secret-2b7f0e4c-8d1a-4c55-9f3e-6a1d0b9c7e42";

    /// <summary>Gets the device authorization endpoint.</summary>
    public Uri DeviceAuthorizationEndpoint => new(Issuer, "/device/auth");

    /// <summary>Decides a user code as the person at the verification page would (<c>approve</c>, <c>deny</c>) or scripts the next polls (<c>slow_down</c>, <c>expire</c>).</summary>
    public async Task DeviceAsync(string userCode, string action, string account = "alice", int count = 1)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.PostAsync(new Uri(Issuer, "/test/device"), new FormUrlEncodedContent(
            [new("user_code", userCode), new("action", action), new("account", account), new("count", count.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>When the server saw the polls of a user code it watches (one it scripted answers for).</summary>
    public async Task<IReadOnlyList<DateTimeOffset>> DevicePollsAsync(string userCode)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var body = await http.GetStringAsync(new Uri(Issuer, "/test/device?user_code=" + Uri.EscapeDataString(userCode)));
        return [.. JsonDocument.Parse(body).RootElement.GetProperty("polls").EnumerateArray().Select(p => DateTimeOffset.FromUnixTimeMilliseconds(p.GetInt64()))];
    }

    /// <summary>Revokes a token at the server (RFC 7009) as <see cref="SubjectClient"/>, its owner.</summary>
    public async Task RevokeSubjectTokenAsync(string token)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Issuer, "/token/revocation"))
        {
            Content = new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SubjectClient}:{ExchangeSecret}")));
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static JsonObject[] ExchangeClients() =>
    [
        new JsonObject
        {
            ["client_id"] = DeviceClient,
            ["token_endpoint_auth_method"] = "none",
            ["grant_types"] = new JsonArray("urn:ietf:params:oauth:grant-type:device_code", "refresh_token"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
        new JsonObject
        {
            ["client_id"] = ExchangeClient,
            ["client_secret"] = ExchangeSecret,
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("urn:ietf:params:oauth:grant-type:token-exchange"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
        new JsonObject
        {
            ["client_id"] = SubjectClient,
            ["client_secret"] = ExchangeSecret,
            ["token_endpoint_auth_method"] = "client_secret_basic",
            ["grant_types"] = new JsonArray("client_credentials"),
            ["response_types"] = new JsonArray(),
            ["redirect_uris"] = new JsonArray(),
        },
    ];
}
