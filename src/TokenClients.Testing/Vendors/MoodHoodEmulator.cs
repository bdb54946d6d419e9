using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>
/// MoodHood's token endpoint (docs/vendors/moodhood.md): JSON bodies; a client token, then a user token only with the client
/// token as Bearer; refresh with the same shape; answers without <c>expires_in</c> (expiry only in the JWT); one and the
/// same 401 for a refused client token, a wrong password and a dead refresh token.
/// The API accepts user tokens.
/// </summary>
public sealed class MoodHoodEmulator : TokenEndpointEmulator
{
    private MoodHoodEmulator(EmulatorOptions options)
        : base(options, TimeSpan.FromDays(7)) // the page's example tokens decode to 7 days
    {
    }

    /// <summary>Gets or sets the lifetime of client tokens. Default: 7 days.</summary>
    public TimeSpan ClientTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, "v1/auth/token");

    /// <inheritdoc/>
    protected override string ApiPath => "v1/rooms";

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<MoodHoodEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new MoodHoodEmulator(options ?? new EmulatorOptions());
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app) => MapTokenEndpoint(app, "/v1/auth/token", request =>
    {
        if (!HasContentType(request, "application/json"))
        {
            // "the body is JSON, not a form" (the digest).
            return EmulatorResponse.OAuthError(415, "invalid_request", "Content-Type must be application/json");
        }

        var body = request.Json;
        if (body.GetValueOrDefault("client_id") != Options.ClientId || body.GetValueOrDefault("client_secret") != Options.ClientSecret)
        {
            return EmulatorResponse.OAuthError(401, "invalid_client");
        }

        switch (body.GetValueOrDefault("grant_type"))
        {
            case "client_credentials":
                return Tokens(Issue(Options.ClientId, Options.ClientId, withRefreshToken: true, accessTokenLifetime: ClientTokenLifetime, kind: "client"), "client_credentials");
            case "password":
                // "Authorize with your client_token in the Authorization header".
                if (LiveAccessToken(BearerToken(request.Headers), "client") is null)
                {
                    return Unauthorized();
                }

                var user = body.GetValueOrDefault("username");
                if (user is null || !Options.Users.TryGetValue(user, out var password) || password != body.GetValueOrDefault("password"))
                {
                    return Unauthorized();
                }

                return Tokens(Issue(user, Options.ClientId, withRefreshToken: true, kind: "user"), "password");
            case "refresh_token":
                return RedeemRefreshToken(body.GetValueOrDefault("refresh_token"), Options.ClientId) is { } issued
                    ? Tokens(Issue(issued.Subject, Options.ClientId, withRefreshToken: true,
                        accessTokenLifetime: issued.Kind == "client" ? ClientTokenLifetime : null, kind: issued.Kind), "refresh_token")
                    : Unauthorized();
            default:
                return EmulatorResponse.OAuthError(400, "unsupported_grant_type");
        }
    });

    /// <summary>
    /// MoodHood's refusal of a user-level request: the same bare 401 whether the client token, the user's password or the
    /// refresh token was refused. The page documents no error body and no <c>WWW-Authenticate</c>, so nothing tells them apart.
    /// </summary>
    private static EmulatorResponse Unauthorized() => EmulatorResponse.Json(401, json => json.WriteString("message", "Unauthorized"));

    private static EmulatorResponse Tokens(IssuedTokens issued, string grant) => EmulatorResponse.Json(200, json =>
    {
        // No expires_in: the page's answers carry none.
        json.WriteString("token_type", "Bearer");
        json.WriteString("access_token", issued.AccessToken);
        json.WriteString("refresh_token", issued.RefreshToken);
    }, grant);
}
