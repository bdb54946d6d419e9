using TokenClients;
using TokenClients.Custom;
using TokenClients.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a provider whose non-standard token endpoint is described by options, with full caching and refresh.</summary>
public static class CustomTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses a token endpoint described by <see cref="CustomTokenOptions"/>: JSON or query-string requests, renamed
    /// parameters, custom grant types, extra parameters and headers, a Bearer token from another provider, a wrapped
    /// or renamed response.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Describes the endpoint.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseCustom(this ITokenProviderBuilder builder, Action<CustomTokenOptions> configure)
    {
        builder.AddClientOptions(configure, new CustomOptionsValidator(builder.Name, TokenProviderRegistry.From(builder.Services)));
        return builder.UseTokenClient(CustomKind.Name, static (services, name) =>
            TokenClientServices.CreateCustomClient(services, name, TokenClientServices.Options<CustomTokenOptions>(services, name), name));
    }
}
