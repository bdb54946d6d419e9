using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using TokenClients.OAuth2;

namespace TokenClients.Vendors.JustLogin;

/// <summary>
/// JustLogin is a standard OpenID Connect server (docs/vendors/justlogin.md): authorization code with <c>state</c> and PKCE,
/// "client credentials in body" for the code exchange and the refresh_token grant. Token sets belong to users and
/// live in the <see cref="ITokenStore"/>.
/// </summary>
internal static class JustLoginTokenClient
{
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
        };
        options.CopyTokenClientSettingsTo(code);
        return new(providerName, code, httpClientFactory, timeProvider, logger) { RefreshHeaders = SendAccessToken };
    }

    /// <summary>justlogin.md: the refresh request also sends <c>Authorization: Bearer {access_token}</c> (credentials travel in the body).</summary>
    internal static void SendAccessToken(HttpRequestHeaders headers, TokenSet current) =>
        headers.Authorization = new AuthenticationHeaderValue("Bearer", current.AccessToken);
}
