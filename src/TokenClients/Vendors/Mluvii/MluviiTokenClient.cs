using TokenClients.Internal;

namespace TokenClients.Vendors.Mluvii;

/// <summary>
/// Mluvii's <c>client_credentials</c> grant (vendors/mluvii.md, "API username and password"). The token lives
/// one hour and "has to be issued again": there is no refresh token.
/// </summary>
internal sealed class MluviiTokenClient(string providerName, MluviiOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider) : ITokenClient
{
    public const string Kind = "Mluvii";

    public bool CanRefresh => false;

    public bool RequiresInteraction => false;

    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenEndpoint)
        {
            // The page's curl sends the non-standard response_type=token first: so do we.
            Content = new FormUrlEncodedContent(
            [
                new("response_type", "token"),
                new("grant_type", "client_credentials"),
                new("client_id", options.ClientId!),
                new("client_secret", options.ClientSecret!),
            ]),
        };
        return JsonTokenEndpoint.SendAsync(httpClientFactory.CreateClient(TokenClientsHttp.ClientName(providerName)), request, providerName,
            TokenResponseShape.Standard, timeProvider, options.DefaultTokenLifetime, cancellationToken);
    }

    public Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Mluvii issues no refresh token; a new token is requested instead.");
}
