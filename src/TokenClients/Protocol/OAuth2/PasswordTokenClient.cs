using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace TokenClients.OAuth2;

/// <summary>The resource-owner <c>password</c> grant, refreshed with the refresh token when the server issues one.</summary>
internal sealed class PasswordTokenClient(string providerName, PasswordOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    : OAuth2TokenClient<PasswordOptions>(providerName, options, httpClientFactory, timeProvider, logger)
{
    public override Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        SendAsync(GrantTypes.Password, new PasswordTokenRequest { UserName = Options.Username!, Password = Options.Password }, context, cancellationToken);
}
