using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.Caching;
using TokenClients.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Lets the instances of an application share tokens through its distributed cache.</summary>
public static class DistributedTokenCacheServiceCollectionExtensions
{
    /// <summary>
    /// Shares token sets between the instances of the application through its <c>IDistributedCache</c> (for example Redis
    /// registered with <c>AddStackExchangeRedisCache</c>, the cache HybridCache uses as its second level): each provider
    /// still answers from its in-process cache first, and consults the shared cache only when it has no usable token.
    /// Token sets of signed-in users (authorization-code flows) are kept there too, unless you registered your own
    /// <see cref="ITokenStore"/>. Entries are encrypted with Data Protection: call <c>AddDataProtection()</c> with a key ring
    /// and application name shared by every instance.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The distributed cache offers no lock, so instances that miss at the same moment may each fetch a token;
    /// <c>AddTokenClientsRedis</c> (package TokenClients.Redis) adds the lock and an atomic token store.
    /// </para>
    /// <para>
    /// The store over the distributed cache has no atomic compare-and-set: it serialises the replacement of a rotated
    /// refresh token with the registered <see cref="ITokenLock"/>. Without one, a provider of signed-in users (an
    /// authorization-code flow such as <c>UseAuthorizationCode</c> or <c>UseJustLogin</c>) is refused when the host starts
    /// (options validation of the provider): use <c>AddTokenClientsRedis</c>, register an <see cref="ITokenLock"/>, or
    /// register an <see cref="ISharedTokenBackend"/> or an <see cref="ITokenStore"/> of your own with an atomic compare-and-set.
    /// </para>
    /// <para>
    /// Keys are keyed with a secret (<see cref="DistributedTokenCacheOptions.KeySecret"/>). A durable backend of your own for
    /// the store (an <see cref="ISharedTokenBackend"/> with an atomic compare-and-set) registered before this call is used
    /// in place of the distributed cache. Sign-outs reach the memory of the other instances through an
    /// <see cref="ISharedSignOutChannel"/> when one is registered (<c>AddTokenClientsRedis</c> registers one); without
    /// one, another instance serves a signed-out user's access token until it expires or is refreshed.
    /// </para>
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Tunes key prefix, lock and outage handling.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTokenClientsDistributedCache(this IServiceCollection services, Action<DistributedTokenCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<DistributedTokenCacheOptions>().Validate(o => o.LockLifetime > TimeSpan.Zero
                && o.LockWait >= TimeSpan.Zero && o.PollInterval > TimeSpan.Zero && o.UnavailableBackoff >= TimeSpan.Zero,
            "DistributedTokenCacheOptions: LockLifetime and PollInterval must be positive, LockWait and UnavailableBackoff not negative.")
            .Validate(o => o.KeySecret is null || SharedTokenKeys.ParseSecret(o.KeySecret)!.Length >= 32,
            "DistributedTokenCacheOptions: KeySecret must be base64 of at least 32 bytes, or a text of at least 32 bytes (UTF-8).")
            // Checked when the host starts, not at the first token request.
            .Validate<IServiceProvider>(static (_, services) => services.GetService<IDistributedCache>() is not null, NoDistributedCache)
            .Validate<IServiceProvider>(static (_, services) => services.GetService<IDataProtectionProvider>() is not null, NoDataProtection)
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static services => new SharedPayload(RequireDataProtection(services)));
        services.TryAddSingleton<ITokenCache>(static services => new DistributedTokenCache(
            ProtectedTokenSets.Create(CacheBackend(services), services.GetRequiredService<SharedPayload>(), Prefix(services) + "cache:", Logger<DistributedTokenCache>(services)),
            services.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(static services => new SharedKeySecret(
            RequireDistributedCache(services), RequireDataProtection(services), services.GetService<ITokenLock>(),
            services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>(), services.GetRequiredService<TimeProvider>()));
        AddCoordinator(services);

        // The store of signed-in users: on the registered backend (Redis: atomic), else on the distributed cache.
        ReplaceDefaultTokenStore(services, ServiceDescriptor.Singleton<ITokenStore>(static services => new SharedTokenStore(
            ProtectedTokenSets.Create(services.GetService<ISharedTokenBackend>() ?? CacheBackend(services), services.GetRequiredService<SharedPayload>(),
                Prefix(services) + "store:", Logger<SharedTokenStore>(services)),
            services.GetRequiredService<SharedTokenKeys>(), services.GetRequiredService<TimeProvider>())));
        services.TryAddSingleton(static services => new SharedSignOuts(
            services.GetService<ISharedSignOutChannel>(), services.GetRequiredService<SharedPayload>(), Logger<SharedSignOuts>(services),
            services.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenProviderOptions>, SharedTokenStoreValidator>());
        return services;
    }

    /// <summary>
    /// The shared backend over the distributed cache (compare-and-set under the <see cref="ITokenLock"/>, when one is
    /// registered), for the shared cache, and for stored user token sets and pending sign-ins when no other backend is.
    /// </summary>
    internal static DistributedCacheBackend CacheBackend(IServiceProvider services) => new(
        RequireDistributedCache(services), services.GetService<ITokenLock>(), services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>(),
        services.GetRequiredService<TimeProvider>());

    /// <summary>
    /// Makes <paramref name="store"/> the <see cref="ITokenStore"/> in place of a store TokenClients registered by itself
    /// (the in-memory default, or a durable one added by <c>AddTokenClients…</c>); a store the application registered
    /// itself stays.
    /// </summary>
    private static void ReplaceDefaultTokenStore(IServiceCollection services, ServiceDescriptor store)
    {
        var existing = services.Where(d => d.ServiceType == typeof(ITokenStore) && !d.IsKeyedService).ToList();
        if (existing.Any(d => !DefaultTokenStores.IsDefault(d)))
        {
            return;
        }

        foreach (var descriptor in existing)
        {
            services.Remove(descriptor);
        }

        services.Add(store);
        DefaultTokenStores.Mark(store);
    }

    internal static void AddCoordinator(IServiceCollection services)
    {
        // The configured secret, else the one kept in the shared cache, else (a cache of the application's own without
        // AddTokenClientsDistributedCache) plain SHA-256 keys.
        services.TryAddSingleton(static services =>
        {
            var options = services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>().Value;
            var shared = services.GetService<SharedKeySecret>();
            return new SharedTokenKeys(SharedTokenKeys.ParseSecret(options.KeySecret), shared is null ? null : shared.ReadOrCreateAsync, services);
        });
        services.TryAddSingleton(static services => new DistributedTokenCoordinator(
            services.GetService<ITokenCache>(), services.GetService<ITokenLock>(), services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>(),
            services.GetRequiredService<TimeProvider>(), services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.DistributedTokenCache") ?? NullLogger.Instance,
            services.GetRequiredService<SharedTokenKeys>()));
    }

    private const string NoDataProtection =
        "AddTokenClientsDistributedCache: shared token caching encrypts token sets with Data Protection: call services.AddDataProtection() with a key ring and application name shared by every instance.";

    private const string NoDistributedCache =
        "AddTokenClientsDistributedCache: shared token caching needs an IDistributedCache, and none is registered: register one, for example services.AddStackExchangeRedisCache(…), or use AddTokenClientsRedis(…).";

    private static IDataProtectionProvider RequireDataProtection(IServiceProvider services) => services.GetService<IDataProtectionProvider>()
        ?? throw new InvalidOperationException(NoDataProtection);

    private static IDistributedCache RequireDistributedCache(IServiceProvider services) => services.GetService<IDistributedCache>()
        ?? throw new InvalidOperationException(NoDistributedCache);

    private static string Prefix(IServiceProvider services) => services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>().Value.KeyPrefix;

    private static ILogger<T> Logger<T>(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger<T>() ?? NullLogger<T>.Instance;
}
