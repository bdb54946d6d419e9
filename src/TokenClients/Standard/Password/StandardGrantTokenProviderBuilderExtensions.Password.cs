using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>Uses the resource-owner <c>password</c> grant, refreshing with the refresh token when one is issued.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoint (or authority), client, user name and password.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UsePassword(this ITokenProviderBuilder builder, Action<PasswordOptions> configure)
    {
        builder.AddClientOptions(configure, new PasswordOptionsValidator(builder.Name));
        return builder.UseTokenClient(PasswordKind.Name, static (services, name) => new PasswordTokenClient(
            name, TokenClientServices.Options<PasswordOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
