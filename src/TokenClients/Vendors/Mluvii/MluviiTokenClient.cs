namespace TokenClients.Vendors.Mluvii;

/// <summary>
/// Mluvii's <c>client_credentials</c> grant (docs/vendors/mluvii.md, "API username and password") as a preset of the custom
/// token client: a form body led by the page's non-standard <c>response_type=token</c>. The token lives one hour
/// and "has to be issued again": there is no refresh token.
/// </summary>
internal static class MluviiTokenClient
{
    public static CustomTokenOptions ToCustom(MluviiOptions options)
    {
        var custom = new CustomTokenOptions
        {
            TokenEndpoint = options.TokenEndpoint,
            GrantType = GrantTypes.ClientCredentials,
            RefreshGrantType = null,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
        };

        // The page's curl: response_type=token&grant_type=client_credentials&client_id=…&client_secret=…
        custom.Parameters["response_type"] = "token";
        custom.Parameters["grant_type"] = GrantTypes.ClientCredentials;
        options.CopyTokenClientSettingsTo(custom);
        return custom;
    }
}
