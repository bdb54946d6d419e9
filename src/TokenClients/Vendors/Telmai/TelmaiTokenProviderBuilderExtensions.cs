using TokenClients;
using TokenClients.DependencyInjection;
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
        builder.AddClientOptions(configure, new TelmaiOptionsValidator(builder.Name));
        return builder.UseTokenClient(TelmaiKind.Name, static (services, name) => TokenClientServices.CreateCustomClient(
            services, name, TelmaiTokenClient.ToCustom(TokenClientServices.Options<TelmaiOptions>(services, name)), name));
    }
}
