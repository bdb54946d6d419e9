using Microsoft.Extensions.Logging;
using TokenClients.OAuth2;

namespace TokenClients.Vendors.Oli;

/// <summary>
/// OLI Systems is one Keycloak realm (docs/vendors/oli.md): the standard password grant with <c>client_id=apiclient</c> in
/// the form body and no secret, refreshed with the refresh_token grant. The provider logs in again with the password
/// when the refresh token expired (<c>refresh_expires_in</c>) or is refused (<c>invalid_grant</c>).
/// </summary>
internal static class OliTokenClient
{
    public static ITokenClient Create(string providerName, OliOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        var password = new PasswordOptions
        {
            Authority = options.UseDiscovery ? options.RealmAddress : null,
            TokenEndpoint = options.UseDiscovery ? null : options.TokenEndpoint,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            // The page sends client_id in the body and no secret.
            ClientAuthentication = options.ClientSecret is null ? ClientAuthenticationMethod.None : ClientAuthenticationMethod.ClientSecretPost,
            Username = options.Username,
            Password = options.Password,
        };
        options.CopyTokenClientSettingsTo(password);
        return new PasswordTokenClient(providerName, password, httpClientFactory, timeProvider, logger);
    }
}
