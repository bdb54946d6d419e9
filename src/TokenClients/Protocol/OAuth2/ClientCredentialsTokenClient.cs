using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace TokenClients.OAuth2;

/// <summary>The <c>client_credentials</c> grant. No refresh token: a new token is requested when one is needed.</summary>
internal sealed class ClientCredentialsTokenClient(string providerName, ClientCredentialsOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    : OAuth2TokenClient<ClientCredentialsOptions>(providerName, options, httpClientFactory, timeProvider, logger)
{
    public override Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        SendAsync(GrantTypes.ClientCredentials, new ClientCredentialsTokenRequest(), context, cancellationToken);
}
