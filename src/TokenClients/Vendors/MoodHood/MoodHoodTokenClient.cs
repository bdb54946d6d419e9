using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenClients.Caching;
using TokenClients.Internal;

namespace TokenClients.Vendors.MoodHood;

/// <summary>
/// MoodHood's two-stage token endpoint (vendors/moodhood.md): a JSON body, first a client token
/// (<c>client_credentials</c>), then a user token (<c>password</c>) requested with the client token as Bearer.
/// Responses carry no <c>expires_in</c>: expiry comes from the JWT <c>exp</c>.
/// </summary>
/// <remarks>The client token is itself cached and refreshed ahead of expiry by an inner provider.</remarks>
internal sealed class MoodHoodTokenClient : ITokenClient, IDisposable
{
    public const string Kind = "MoodHood";

    private readonly string _providerName;
    private readonly MoodHoodOptions _options;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly TokenProvider? _clientTokens;

    public MoodHoodTokenClient(string providerName, MoodHoodOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, TokenProviderOptions providerOptions, ILogger logger)
    {
        _providerName = providerName;
        _options = options;
        _httpClientFactory = httpClientFactory;
        _time = timeProvider;
        if (HasUser)
        {
            _clientTokens = new TokenProvider(providerName + ":client", new ClientStage(this), providerOptions, timeProvider, logger, store: null);
        }
    }

    public bool CanRefresh => true;

    public bool RequiresInteraction => false;

    private bool HasUser => !string.IsNullOrEmpty(_options.Username);

    public async Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        if (_clientTokens is null)
        {
            return await SendAsync(ClientBody("client_credentials"), clientToken: null, cancellationToken).ConfigureAwait(false);
        }

        return await WithClientTokenAsync(
            clientToken => SendAsync(ClientBody("password", ("username", _options.Username!), ("password", _options.Password!)), clientToken, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    public async Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken)
    {
        // The page names the refresh token but not its request: the user-token request's shape with the refresh_token grant.
        var body = ClientBody("refresh_token", ("refresh_token", refreshToken));
        return _clientTokens is null
            ? await SendAsync(body, clientToken: null, cancellationToken).ConfigureAwait(false)
            : await WithClientTokenAsync(clientToken => SendAsync(body, clientToken, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _clientTokens?.Dispose();

    private async Task<TokenSet> WithClientTokenAsync(Func<AccessToken, Task<TokenSet>> send, CancellationToken cancellationToken)
    {
        var clientToken = await _clientTokens!.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return await send(clientToken).ConfigureAwait(false);
        }
        catch (TokenRequestException exception) when (exception.StatusCode == HttpStatusCode.Unauthorized && exception.Error is null)
        {
            // The client token was refused: drop it and try once with a new one.
            await _clientTokens.InvalidateAsync(clientToken, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await send(await _clientTokens.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private byte[] ClientBody(string grantType, params (string Name, string Value)[] extra)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            // Field order as on the page: client_id, client_secret, grant_type, then the grant's own.
            json.WriteStartObject();
            json.WriteString("client_id", _options.ClientId);
            json.WriteString("client_secret", _options.ClientSecret);
            json.WriteString("grant_type", grantType);
            foreach (var (name, value) in extra)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private Task<TokenSet> SendAsync(byte[] body, AccessToken? clientToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.TokenEndpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        if (clientToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientToken.Value);
        }

        return JsonTokenEndpoint.SendAsync(_httpClientFactory.CreateClient(TokenClientsHttp.ClientName(_providerName)), request, _providerName,
            TokenResponseShape.Standard, _time, _options.DefaultTokenLifetime, cancellationToken);
    }

    /// <summary>Stage 1: the client token, refreshed with its refresh token.</summary>
    private sealed class ClientStage(MoodHoodTokenClient owner) : ITokenClient
    {
        public bool CanRefresh => true;

        public bool RequiresInteraction => false;

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
            owner.SendAsync(owner.ClientBody("client_credentials"), clientToken: null, cancellationToken);

        public Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
            owner.SendAsync(owner.ClientBody("refresh_token", ("refresh_token", refreshToken)), clientToken: null, cancellationToken);
    }
}
