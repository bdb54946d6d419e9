using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients;

/// <summary>Which provider's token a client's <see cref="TokenHandler"/> attaches; set per client name by <c>AddTokenHandler</c>.</summary>
internal sealed class TokenHandlerRegistration
{
    public string? ProviderName { get; set; }
}

/// <summary>
/// Puts the <see cref="TokenHandler"/> of every client that asked for one directly around the client's primary handler,
/// below every other handler of the chain.
/// </summary>
/// <remarks>
/// Why there, and not where <c>AddHttpMessageHandler</c> would put it: the framework's default logging adds its
/// <c>ClientHandler</c> logger as the last handler of the chain, after all configuration, and at Trace level it logs
/// the request headers with their values in the entry's structured state (only the formatted message masks them). Any
/// handler of the chain sees what its inner handlers attach, too. Wrapping the primary handler after everything else
/// has been configured keeps the client's logs (the framework's default ones or the user's own) complete and standard,
/// while no logger and no handler of the chain ever runs with the token on the request; handlers, loggers or primary
/// handlers the user adds later, in any order, cannot move it back out.
/// </remarks>
internal sealed class TokenHandlerBuilderFilter(IOptionsMonitor<TokenHandlerRegistration> registrations) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            var clientName = builder.Name ?? Options.DefaultName;
            if (registrations.Get(clientName).ProviderName is { } providerName)
            {
                var provider = builder.Services.GetKeyedService<ITokenProvider>(providerName) ?? throw new InvalidOperationException(
                    $"HttpClient '{clientName}' attaches tokens of provider '{providerName}' (AddTokenHandler), but no token provider of that name is registered; register it with AddTokenProvider or AddTokenProviders (names are case-insensitive).");
                builder.PrimaryHandler = new TokenHandler(provider, AllowedOrigins(builder.Services, clientName), builder.Services.GetService<ILogger<TokenHandler>>())
                {
                    InnerHandler = builder.PrimaryHandler,
                    Certificates = builder.Services.GetKeyedService<Internal.ClientCertificateSource>(providerName) is { IsConfigured: true } certificates ? certificates : null,
                    FollowRedirects = provider is Caching.TokenProvider { Client: Internal.IProofOfPossessionClient { ProofKey: not null } }
                        ? DPoPRedirects.TakeOver(builder.PrimaryHandler) : 0,
                };
            }
        };
    }

    /// <summary>The origins the client's options allow, <see langword="null"/> for any.</summary>
    private static List<Uri>? AllowedOrigins(IServiceProvider services, string clientName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<TokenHandlerOptions>>().Get(clientName);
        if (options.AllowAnyOrigin)
        {
            return null;
        }

        var origins = new List<Uri>(options.AllowedOrigins);
        if (BaseAddressOf(services, clientName) is { } baseAddress)
        {
            origins.Add(baseAddress);
        }

        return origins;
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
