using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// A durable <see cref="ITokenStore"/> over the application's <see cref="IDistributedCache"/>, each token set encrypted
/// with Data Protection and kept under a key of <see cref="SharedTokenKeys"/>. The cache offers no compare-and-set:
/// <see cref="TryReplaceAsync"/> and <see cref="TryRemoveAsync"/> read, compare and write under the registered
/// <see cref="ITokenLock"/>, which makes them atomic against each other across instances. Without a lock they are not,
/// and user token sets must not be rotated through this store by many instances (refused at start).
/// </summary>
internal sealed class DistributedTokenStore(IDistributedCache cache, TokenSetProtector protector, SharedTokenKeys keys, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger<DistributedTokenStore> logger) : ITokenStore
{
    // A compare-and-set holds its lock for one read and one write: a crashed holder delays the others this long at most.
    private static readonly TimeSpan CompareAndSetLockLifetime = TimeSpan.FromSeconds(10);
    private readonly string _prefix = options.Value.KeyPrefix + "store:";

    /// <summary>Gets a value indicating whether compare-and-set runs under a lock shared by the instances.</summary>
    public bool HasLock => tokenLock is not null;

    public async ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        return await protector.ReadAsync(cache, await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false), logger, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        await WriteAsync(await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false), tokens, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> TryReplaceAsync(string providerName, string subject, TokenSet expected, TokenSet replacement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        var lease = await LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using var released = lease.ConfigureAwait(false);
        if (!TokenSetIdentity.Same(await protector.ReadAsync(cache, key, logger, cancellationToken).ConfigureAwait(false), expected))
        {
            return false;
        }

        await WriteAsync(key, replacement, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> TryRemoveAsync(string providerName, string subject, TokenSet expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        var lease = await LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using var released = lease.ConfigureAwait(false);
        if (!TokenSetIdentity.Same(await protector.ReadAsync(cache, key, logger, cancellationToken).ConfigureAwait(false), expected))
        {
            return false;
        }

        await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async ValueTask WriteAsync(string key, TokenSet tokens, CancellationToken cancellationToken)
    {
        var entry = new DistributedCacheEntryOptions();

        // The set is worth keeping while its refresh token lives; with no known end it stays until removed.
        if (tokens.RefreshTokenExpiresAt is { } end && end > tokens.ExpiresAt && end > time.GetUtcNow())
        {
            entry.AbsoluteExpirationRelativeToNow = end - time.GetUtcNow();
        }

        await cache.SetAsync(key, protector.Protect(tokens, key), entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes the compare-and-set lock of a key, waiting until it is free (at most its lifetime and a margin).</summary>
    private async ValueTask<IAsyncDisposable> LockAsync(string key, CancellationToken cancellationToken)
    {
        if (tokenLock is null)
        {
            return NoLease.Instance;
        }

        var started = time.GetTimestamp();
        while (true)
        {
            if (await tokenLock.TryAcquireAsync(key, CompareAndSetLockLifetime, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }

            if (time.GetElapsedTime(started) > CompareAndSetLockLifetime * 2)
            {
                throw new TimeoutException("The lock of a stored token set could not be taken.");
            }

            await Task.Delay(options.Value.PollInterval, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<string> KeyAsync(string providerName, string subject, CancellationToken cancellationToken) =>
        _prefix + await keys.ForSubjectAsync(providerName, subject, cancellationToken).ConfigureAwait(false);

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
