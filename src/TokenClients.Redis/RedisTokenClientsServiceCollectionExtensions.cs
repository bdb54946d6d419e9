using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TokenClients;
using TokenClients.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs the token providers of many instances as one fleet on Redis.</summary>
public static class RedisTokenClientsServiceCollectionExtensions
{
    /// <summary>
    /// Shares tokens between the instances of the application through Redis: the shared cache of
    /// <c>AddTokenClientsDistributedCache</c> over the application's <see cref="IDistributedCache"/> (registered here on
    /// <paramref name="configuration"/> when the application has none), a fetch lock so that instances missing the same
    /// key at once cause one token request, and a durable compare-and-set store of signed-in users' token sets (unless
    /// you registered your own <see cref="ITokenStore"/>), and a channel that carries sign-outs to every instance (see
    /// <see cref="ISharedSignOutChannel"/>). Requires <c>AddDataProtection()</c> with a key ring and
    /// application name shared by every instance. When Redis is down, each instance works alone and logs a warning once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">
    /// A StackExchange.Redis configuration string, for example <c>redis:6379</c>. Unless it says otherwise, the connection
    /// does not abort when Redis is down at start and times out after one second.
    /// </param>
    /// <param name="configure">Tunes key prefix, lock and outage handling.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTokenClientsRedis(this IServiceCollection services, string configuration, Action<DistributedTokenCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        services.TryAddSingleton(_ => RedisConnection.Open(configuration));
        return AddRedis(services, configure);
    }

    /// <summary>
    /// Shares tokens between the instances of the application through Redis, on a connection the application opened (and
    /// disposes); see <see cref="AddTokenClientsRedis(IServiceCollection, string, Action{DistributedTokenCacheOptions}?)"/>.
    /// Open it with <c>AbortOnConnectFail = false</c> and short timeouts, so a Redis outage costs little.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connection">The Redis connection.</param>
    /// <param name="configure">Tunes key prefix, lock and outage handling.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddTokenClientsRedis(this IServiceCollection services, IConnectionMultiplexer connection, Action<DistributedTokenCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        services.TryAddSingleton(new RedisConnection(connection, owned: false));
        return AddRedis(services, configure);
    }

    private static IServiceCollection AddRedis(IServiceCollection services, Action<DistributedTokenCacheOptions>? configure)
    {
        if (!services.Any(d => d.ServiceType == typeof(IDistributedCache)))
        {
            services.AddOptions<RedisCacheOptions>().Configure<RedisConnection>(
                static (options, redis) => options.ConnectionMultiplexerFactory = () => Task.FromResult(redis.Multiplexer));
            services.AddStackExchangeRedisCache(static _ => { });
        }

        services.TryAddSingleton<ISharedTokenBackend>(static services => new RedisTokenBackend(services.GetRequiredService<RedisConnection>()));
        services.TryAddSingleton<ISharedSignOutChannel>(static services => new RedisSignOutChannel(
            services.GetRequiredService<RedisConnection>(), services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>()));
        services.AddTokenClientsDistributedCache(configure);
        services.TryAddSingleton<ITokenLock>(static services => new RedisTokenLock(
            services.GetRequiredService<RedisConnection>(), services.GetRequiredService<IOptions<DistributedTokenCacheOptions>>()));
        return services;
    }
}
