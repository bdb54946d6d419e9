namespace TokenClients.Vendors.MoodHood;

/// <summary>
/// MoodHood's two-stage token endpoint (docs/vendors/moodhood.md) as presets of the custom token client: JSON bodies; a
/// client token (<c>client_credentials</c>) from its own provider, <c>{name}.client</c>, cached and refreshed on its
/// own; then the user token (<c>password</c>) requested with the client token as Bearer. Responses carry no
/// <c>expires_in</c>: expiry comes from the JWT <c>exp</c>.
/// </summary>
internal static class MoodHoodTokenClient
{
    /// <summary>The name of the provider that holds a MoodHood provider's client token.</summary>
    public static string ClientStageName(string providerName) => providerName + ".client";

    /// <summary>Stage 1, "Generating client access token": <c>{"client_id","client_secret","grant_type":"client_credentials"}</c>.</summary>
    public static CustomTokenOptions ClientStage(MoodHoodOptions options) => Json(options, GrantTypes.ClientCredentials);

    /// <summary>
    /// Stage 2, "Generating user access token": <c>{"client_id","client_secret","grant_type":"password","username","password"}</c>
    /// with <c>Authorization: Bearer &lt;client token&gt;</c>. The page names the refresh token but not its request: the
    /// same shape with <c>grant_type=refresh_token</c> (the digest's decision); a refused refresh falls back to stage 2.
    /// </summary>
    public static CustomTokenOptions UserStage(MoodHoodOptions options, string clientStageName)
    {
        var custom = Json(options, GrantTypes.Password);
        custom.Username = options.Username;
        custom.Password = options.Password;
        custom.BearerTokenProvider = clientStageName;
        return custom;
    }

    private static CustomTokenOptions Json(MoodHoodOptions options, string grantType)
    {
        var custom = new CustomTokenOptions
        {
            TokenEndpoint = options.TokenEndpoint,
            Encoding = RequestEncoding.Json,
            GrantType = grantType,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
        };
        options.CopyTokenClientSettingsTo(custom);
        return custom;
    }
}
