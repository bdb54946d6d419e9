using TokenClients;
using TokenClients.Vendors.Telmai;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Telmai adapter.</summary>
public static class TelmaiTokenProviderBuilderExtensions
{
    /// <summary>Uses Telmai's token endpoint (password grant, refreshed with the refresh token).</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the auth endpoint, client id, user name, password and tenant.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseTelmai(this ITokenProviderBuilder builder, Action<TelmaiOptions> configure)
    {
        builder.AddClientOptions<TelmaiOptions, TelmaiOptionsValidator>(configure);
        return builder.UseTokenClient(TelmaiTokenClient.Kind, static (services, name) => CustomTokenProviderBuilderExtensions.Create(
            services, name, TelmaiTokenClient.ToCustom(StandardGrantTokenProviderBuilderExtensions.Options<TelmaiOptions>(services, name)), name));
    }
}
