using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// The shared token cache over the application's <see cref="IDistributedCache"/> (Redis, SQL Server, … — the same one
/// HybridCache uses as its second level), each entry encrypted with Data Protection.
/// </summary>
internal sealed class DistributedTokenCache(IDistributedCache cache, TokenSetProtector protector, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger<DistributedTokenCache> logger) : ITokenCache
{
    private readonly string _prefix = options.Value.KeyPrefix + "cache:";

    public async ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        return await protector.ReadAsync(cache, _prefix + key, logger, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetAsync(string key, TokenSet tokens, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var lifetime = expiresAt - time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        var fullKey = _prefix + key;
        var entry = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime };
        await cache.SetAsync(fullKey, protector.Protect(tokens, fullKey), entry, cancellationToken).ConfigureAwait(false);
    }
}
