using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>Settings of the OLI (Keycloak) emulator.</summary>
public sealed class OliEmulatorOptions : EmulatorOptions
{
    /// <summary>Initializes a new instance of the <see cref="OliEmulatorOptions"/> class: OLI's public client, no secret, no rotation.</summary>
    public OliEmulatorOptions()
    {
        ClientId = "apiclient";
        ClientSecret = string.Empty;
        RotateRefreshTokens = false;
        RefreshTokenLifetime = TimeSpan.FromMinutes(30); // the page's example: refresh_expires_in 1800
    }

    /// <summary>Gets or sets the realm. Default: <c>api</c>.</summary>
    public string Realm { get; set; } = "api";

    /// <summary>Gets or sets a value indicating whether realms live under the legacy <c>/auth</c> prefix. Default: <see langword="true"/>.</summary>
    public bool LegacyAuthPrefix { get; set; } = true;
}

/// <summary>
/// OLI Systems' Keycloak (docs/vendors/oli.md): password and refresh_token grants for <c>client_id=apiclient</c>,
/// <c>token_type: bearer</c> in lower case, <c>refresh_expires_in</c>, Keycloak's error answers, a discovery document.
/// </summary>
public sealed class OliEmulator : TokenEndpointEmulator
{
    private readonly OliEmulatorOptions _options;

    private OliEmulator(OliEmulatorOptions options)
        : base(options, TimeSpan.FromSeconds(300)) // the page's example: expires_in 300
    {
        _options = options;
    }

    /// <summary>Gets the realm's address: <c>{server}[/auth]/realms/{realm}</c>.</summary>
    public Uri RealmAddress => new(BaseAddress, RealmPath);

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, RealmPath + "/protocol/openid-connect/token");

    /// <inheritdoc/>
    protected override string ApiPath => "api/v1/projects";

    private string RealmPath => (_options.LegacyAuthPrefix ? "auth/" : string.Empty) + "realms/" + _options.Realm;

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for OLI's.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<OliEmulator> StartAsync(OliEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new OliEmulator(options ?? new OliEmulatorOptions());
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/" + RealmPath + "/.well-known/openid-configuration", context => EmulatorResponse.Json(200, json =>
        {
            json.WriteString("issuer", RealmAddress.AbsoluteUri.TrimEnd('/'));
            json.WriteString("authorization_endpoint", RealmAddress.AbsoluteUri + "/protocol/openid-connect/auth");
            json.WriteString("token_endpoint", TokenEndpoint.AbsoluteUri);
            json.WriteString("jwks_uri", RealmAddress.AbsoluteUri + "/protocol/openid-connect/certs");
        }).WriteAsync(context));
        app.MapGet("/" + RealmPath + "/protocol/openid-connect/certs", context => EmulatorResponse.Json(200, json =>
        {
            json.WriteStartArray("keys");
            json.WriteEndArray();
        }).WriteAsync(context));
        MapTokenEndpoint(app, "/" + RealmPath + "/protocol/openid-connect/token", request =>
        {
            if (!HasContentType(request, "application/x-www-form-urlencoded"))
            {
                return EmulatorResponse.OAuthError(400, "invalid_request", "Missing form parameter: grant_type");
            }

            var form = request.Form;
            if (form.GetValueOrDefault("client_id") != Options.ClientId)
            {
                return EmulatorResponse.OAuthError(401, "invalid_client", "Invalid client or Invalid client credentials");
            }

            switch (form.GetValueOrDefault("grant_type"))
            {
                case "password":
                    var user = form.GetValueOrDefault("username");
                    return user is not null && Options.Users.TryGetValue(user, out var password) && password == form.GetValueOrDefault("password")
                        ? Tokens(Issue(user, Options.ClientId, withRefreshToken: true, scope: "oli_user_role"), "password")
                        : EmulatorResponse.OAuthError(401, "invalid_grant", "Invalid user credentials");
                case "refresh_token":
                    return RedeemRefreshToken(form.GetValueOrDefault("refresh_token"), Options.ClientId) is { } issued
                        ? Tokens(Issue(issued.Subject, Options.ClientId, withRefreshToken: true, scope: issued.Scope), "refresh_token")
                        : EmulatorResponse.OAuthError(400, "invalid_grant", "Token is not active");
                default:
                    return EmulatorResponse.OAuthError(400, "unsupported_grant_type", "Unsupported grant_type");
            }
        });
    }

    private static EmulatorResponse Tokens(IssuedTokens issued, string grant) => EmulatorResponse.Json(200, json =>
    {
        json.WriteString("access_token", issued.AccessToken);
        json.WriteNumber("expires_in", issued.ExpiresIn);
        json.WriteNumber("refresh_expires_in", issued.RefreshExpiresIn);
        json.WriteString("refresh_token", issued.RefreshToken);
        json.WriteString("token_type", "bearer"); // lower case, as on the page
        json.WriteNumber("not-before-policy", 0);
        json.WriteString("session_state", Guid.NewGuid().ToString());
        json.WriteString("scope", issued.Scope);
    }, grant);
}
