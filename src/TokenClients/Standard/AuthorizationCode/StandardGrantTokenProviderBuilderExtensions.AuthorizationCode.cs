using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses the <c>authorization_code</c> grant with <c>state</c> and PKCE for connected user accounts: sign users in
    /// through the keyed <see cref="IAuthorizationCodeFlow"/>, then select a user per request with <see cref="TokenContext.Subject"/>.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoints (or authority), client, redirect URI and scope.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseAuthorizationCode(this ITokenProviderBuilder builder, Action<AuthorizationCodeOptions> configure)
    {
        builder.AddClientOptions(configure, new AuthorizationCodeOptionsValidator(builder.Name));
        TokenClientServices.AddAuthorizationCodeFlow(builder);
        return builder.UseTokenClient(AuthorizationCodeKind.Name, static (services, name) => new AuthorizationCodeTokenClient(
            name, TokenClientServices.Options<AuthorizationCodeOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
