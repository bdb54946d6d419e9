using TokenClients;
using TokenClients.Custom;

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
        builder.AddClientOptions<CustomTokenOptions, CustomOptionsValidator>(configure);
        return builder.UseTokenClient(CustomTokenClient.Kind, static (services, name) =>
            Create(services, name, StandardGrantTokenProviderBuilderExtensions.Options<CustomTokenOptions>(services, name), name));
    }

    /// <summary>Creates a custom token client; a vendor preset passes the options it mapped and the HttpClient name to use.</summary>
    internal static CustomTokenClient Create(IServiceProvider services, string name, CustomTokenOptions options, string httpClientProviderName) =>
        new(name, options, () => services.GetRequiredService<IHttpClientFactory>().CreateClient(TokenClientsHttp.ClientName(httpClientProviderName)),
            services.GetRequiredService<TimeProvider>(), () => options.BearerTokenProvider is { } bearer ? services.GetKeyedService<ITokenProvider>(bearer) : null);
}
