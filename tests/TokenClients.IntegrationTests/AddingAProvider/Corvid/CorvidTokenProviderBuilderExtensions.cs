using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Registers the Corvid adapter.</summary>
internal static class CorvidTokenProviderBuilderExtensions
{
    /// <summary>Uses Corvid's token endpoint (client credentials in JSON).</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the client id and secret, and another address if any.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseCorvid(this ITokenProviderBuilder builder, Action<CorvidOptions> configure)
    {
        builder.AddClientOptions(configure, new CorvidOptionsValidator(builder.Name));
        return builder.UseTokenClient(CorvidKind.Name, static (services, name) => TokenClientServices.CreateCustomClient(
            services, name, CorvidTokenClient.ToCustom(TokenClientServices.Options<CorvidOptions>(services, name)), name));
    }
}
