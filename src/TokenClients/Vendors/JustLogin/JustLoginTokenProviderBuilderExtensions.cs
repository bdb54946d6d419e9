using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.Vendors.JustLogin;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the JustLogin adapter.</summary>
public static class JustLoginTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses JustLogin: users connect through the keyed <see cref="IAuthorizationCodeFlow"/>; requests select a user with
    /// <see cref="TokenContext.Subject"/>; a dead refresh token raises <see cref="InteractionRequiredException"/>.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the client id, secret and whitelisted callback URL.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseJustLogin(this ITokenProviderBuilder builder, Action<JustLoginOptions> configure)
    {
        builder.AddClientOptions(configure, new JustLoginOptionsValidator(builder.Name));
        TokenClientServices.AddAuthorizationCodeFlow(builder);
        return builder.UseTokenClient(JustLoginKind.Name, static (services, name) => JustLoginTokenClient.Create(
            name, TokenClientServices.Options<JustLoginOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
