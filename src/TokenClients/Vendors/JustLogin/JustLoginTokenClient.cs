using Microsoft.Extensions.Logging;
using TokenClients.OAuth2;

namespace TokenClients.Vendors.JustLogin;

/// <summary>
/// JustLogin is a standard OpenID Connect server (vendors/justlogin.md): authorization code with <c>state</c> and PKCE,
/// "client credentials in body" for the code exchange and the refresh_token grant. Token sets belong to users and
/// live in the <see cref="ITokenStore"/>.
/// </summary>
internal static class JustLoginTokenClient
{
    public const string Kind = "JustLogin";

    public static AuthorizationCodeTokenClient Create(string providerName, JustLoginOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        var code = new AuthorizationCodeOptions
        {
            AuthorizeEndpoint = options.AuthorizeEndpoint,
            TokenEndpoint = options.TokenEndpoint,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
            ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost,
            RedirectUri = options.RedirectUri,
            Scope = options.Scope,
            UsePkce = options.UsePkce,

            // justlogin.md: the refresh request also sends "Authorization: Bearer {access_token}".
            SendAccessTokenOnRefresh = true,
        };
        options.CopyTokenClientSettingsTo(code);
        return new(providerName, code, httpClientFactory, timeProvider, logger);
    }
}
