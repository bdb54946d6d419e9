using TokenClients;
using TokenClients.Vendors.Mluvii;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Mluvii adapter.</summary>
public static class MluviiTokenProviderBuilderExtensions
{
    /// <summary>Uses Mluvii's token endpoint (client credentials with an API username and password).</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the API username and password, and the on-premise address if any.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseMluvii(this ITokenProviderBuilder builder, Action<MluviiOptions> configure)
    {
        builder.AddClientOptions<MluviiOptions, MluviiOptionsValidator>(configure);
        return builder.UseTokenClient(MluviiTokenClient.Kind, static (services, name) => CustomTokenProviderBuilderExtensions.Create(
            services, name, MluviiTokenClient.ToCustom(StandardGrantTokenProviderBuilderExtensions.Options<MluviiOptions>(services, name)), name));
    }
}
