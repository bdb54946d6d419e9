using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.Caching;
using TokenClients.DependencyInjection;
using TokenClients.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named token providers.</summary>
public static class TokenProviderServiceCollectionExtensions
{
    /// <summary>
    /// Registers a token provider under <paramref name="name"/>: an <see cref="ITokenProvider"/> keyed service, its
    /// named <see cref="TokenProviderOptions"/> validated on start, and a resilient HttpClient for its token endpoint.
    /// Choose the token client on the returned builder (<c>UseClientCredentials</c>, <c>UseOli</c>, …).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The provider name, unique in the collection.</param>
    /// <param name="configure">Configures the provider: at least one <c>Use…</c> call.</param>
    /// <returns>The provider's builder.</returns>
    /// <exception cref="InvalidOperationException">A provider with this name is already registered.</exception>
    public static ITokenProviderBuilder AddTokenProvider(this IServiceCollection services, string name, Action<ITokenProviderBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var httpClient = services
            .AddHttpClient(TokenClientsHttp.ClientName(name), client => client.MaxResponseContentBufferSize = TokenClientsHttp.MaxResponseBytes)
            // Token traffic carries secrets (and Telmai's password rides in the URL): no request logging, ours included.
            .RemoveAllLoggers()
            // Outermost: an oversized answer is refused once, after retries, with its status kept.
            .AddHttpMessageHandler(static () => new ResponseSizeLimitHandler());
        var resilience = httpClient.AddStandardResilienceHandler(options =>
        {
            // Token endpoints see few calls: judge the circuit on a handful of them.
            options.CircuitBreaker.MinimumThroughput = 8;
        });
        httpClient.AddHttpMessageHandler(services => new TokenEndpointAttemptHandler(services.GetRequiredService<TokenProviderRegistry>().KindOf(name)));

        var registry = TokenProviderRegistry.From(services);
        if (!registry.TryAdd(name, resilience))
        {
            throw new InvalidOperationException($"A token provider named '{name}' is already registered; provider names must be unique.");
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        DistributedTokenCacheServiceCollectionExtensions.AddCoordinator(services);
        services.AddOptions<TokenProviderOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenProviderOptions>, TokenProviderOptionsValidator>());
        services.AddKeyedSingleton<ITokenProvider>(name, (provider, _) => CreateProvider(provider, name));

        var builder = new TokenProviderBuilder(name, services);
        configure?.Invoke(builder);
        return builder;
    }

    private static TokenProvider CreateProvider(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<TokenProviderOptions>>().Get(name);
        var client = services.GetKeyedService<ITokenClient>(name)
            ?? throw new InvalidOperationException(TokenProviderOptionsValidator.NoClientMessage(name));
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.TokenProvider") ?? NullLogger.Instance;
        var shared = services.GetService<DistributedTokenCoordinator>();
        return new TokenProvider(name, client, options, services.GetRequiredService<TimeProvider>(), logger,
            client.RequiresInteraction ? services.GetRequiredService<ITokenStore>() : null,
            shared is { HasCache: true } or { HasLock: true } ? shared : null);
    }
}
