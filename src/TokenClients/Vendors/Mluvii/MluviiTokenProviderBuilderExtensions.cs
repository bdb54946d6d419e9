using TokenClients;
using TokenClients.DependencyInjection;
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
        builder.AddClientOptions(configure, new MluviiOptionsValidator(builder.Name));
        return builder.UseTokenClient(MluviiKind.Name, static (services, name) => TokenClientServices.CreateCustomClient(
            services, name, MluviiTokenClient.ToCustom(TokenClientServices.Options<MluviiOptions>(services, name)), name));
    }
}
