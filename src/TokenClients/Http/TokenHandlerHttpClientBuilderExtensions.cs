using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenClients;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches a provider's tokens to an HttpClient.</summary>
public static class TokenHandlerHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenHandler"/> that puts the named provider's token on every request of this client
    /// whose origin is the client's <c>BaseAddress</c> or one of <see cref="TokenHandlerOptions.AllowedOrigins"/>.
    /// With neither set, no request gets the token (and each logs a warning) unless
    /// <see cref="TokenHandlerOptions.AllowAnyOrigin"/> is set. A redirect never carries it to another origin.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="providerName">The name the provider was registered under with <c>AddTokenProvider</c>.</param>
    /// <param name="configure">Names further origins that may receive the token.</param>
    /// <returns>The HttpClient builder.</returns>
    public static IHttpClientBuilder AddTokenHandler(this IHttpClientBuilder builder, string providerName, Action<TokenHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        var clientName = builder.Name;
        if (configure is not null)
        {
            builder.Services.Configure(clientName, configure);
        }

        return builder.AddHttpMessageHandler(services =>
        {
            var provider = services.GetRequiredKeyedService<ITokenProvider>(providerName);
            var options = services.GetRequiredService<IOptionsMonitor<TokenHandlerOptions>>().Get(clientName);
            var origins = new List<Uri>(options.AllowedOrigins);
            if (BaseAddressOf(services, clientName) is { } baseAddress)
            {
                origins.Add(baseAddress);
            }

            return new TokenHandler(provider, options.AllowAnyOrigin ? null : origins, services.GetService<ILogger<TokenHandler>>());
        });
    }

    /// <summary>Reads the BaseAddress the client's configuration sets, by applying it to a throwaway HttpClient.</summary>
    private static Uri? BaseAddressOf(IServiceProvider services, string clientName)
    {
        var factoryOptions = services.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(clientName);
        using var probe = new HttpClient();
        foreach (var action in factoryOptions.HttpClientActions)
        {
            action(probe);
        }

        return probe.BaseAddress;
    }
}
