using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.Vendors.Oli;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the OLI Systems (Keycloak) adapter.</summary>
public static class OliTokenProviderBuilderExtensions
{
    /// <summary>Uses OLI Systems' Keycloak, or any Keycloak realm: password grant, refresh, and password again when the refresh token dies.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the user name and password (and the server and realm for another Keycloak).</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseOli(this ITokenProviderBuilder builder, Action<OliOptions> configure)
    {
        builder.AddClientOptions(configure, new OliOptionsValidator(builder.Name));
        return builder.UseTokenClient(OliKind.Name, static (services, name) => OliTokenClient.Create(
            name, TokenClientServices.Options<OliOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
