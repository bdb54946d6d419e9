using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// A durable <see cref="ITokenStore"/> over the application's <see cref="IDistributedCache"/>, each token set encrypted
/// with Data Protection. Its compare-and-set is not atomic (the cache offers none): the shared lock serialises
/// refreshes; the Redis store of <c>TokenClients.Redis</c> is atomic.
/// </summary>
internal sealed class DistributedTokenStore(IDistributedCache cache, TokenSetProtector protector, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger<DistributedTokenStore> logger) : ITokenStore
{
    private readonly string _prefix = options.Value.KeyPrefix + "store:";

    public async ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        return await protector.ReadAsync(cache, Key(providerName, subject), logger, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var key = Key(providerName, subject);
        var entry = new DistributedCacheEntryOptions();

        // The set is worth keeping while its refresh token lives; with no known end it stays until removed.
        if (tokens.RefreshTokenExpiresAt is { } end && end > tokens.ExpiresAt && end > time.GetUtcNow())
        {
            entry.AbsoluteExpirationRelativeToNow = end - time.GetUtcNow();
        }

        await cache.SetAsync(key, protector.Protect(tokens, key), entry, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(Key(providerName, subject), cancellationToken).ConfigureAwait(false);

    private string Key(string providerName, string subject) => _prefix + TokenCacheKey.ForSubject(providerName, subject);
}
