namespace TokenClients.Vendors.Telmai;

/// <summary>
/// Telmai's token endpoint (docs/vendors/telmai.md) as a preset of the custom token client: camelCase parameters in the
/// query string, an empty form-typed body, <c>expires</c> instead of <c>expires_in</c>, and errors shaped
/// <c>{"description": …}</c>. The password rides in that URL: the token HttpClient logs nothing, and no message carries it.
/// </summary>
internal static class TelmaiTokenClient
{
    public static CustomTokenOptions ToCustom(TelmaiOptions options)
    {
        var custom = new CustomTokenOptions
        {
            TokenEndpoint = options.TokenEndpoint,
            Encoding = RequestEncoding.Query,
            GrantType = GrantTypes.Password,
            ClientId = options.ClientId,
            Username = options.Username,
            Password = options.Password,
            // The page: "transactionId: Unique ID for tracking the request".
            RequestIdParameter = "transactionId",
            ParameterNames = { ["client_id"] = "clientId", ["grant_type"] = "grantType", ["refresh_token"] = "refreshToken" },
            // The curl example's order: clientId, grantType, username, password, refreshToken, …, transactionId, tenant.
            ParameterOrder = { "clientId", "grantType", "username", "password", "refreshToken", "transactionId", "tenant" },
            // The page answers `expires` and errors as {"description": "Unauthorized"}.
            Response = { ExpiresIn = "expires", ErrorDescription = "description" },
        };

        if (!string.IsNullOrEmpty(options.Tenant))
        {
            custom.Parameters["tenant"] = options.Tenant;
        }

        options.CopyTokenClientSettingsTo(custom);
        return custom;
    }
}
