using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// The <see cref="ISharedTokenBackend"/> over the application's <see cref="IDistributedCache"/>: each entry is its
/// version (length-prefixed) followed by its bytes. The cache offers no compare-and-set: <see cref="TryReplaceAsync"/>
/// and <see cref="TryRemoveAsync"/> read, compare and write under the registered <see cref="ITokenLock"/>, which makes
/// them atomic against each other across instances. Without a lock they are not (see <see cref="HasLock"/>).
/// </summary>
internal sealed class DistributedCacheBackend(IDistributedCache cache, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time) : ISharedTokenBackend
{
    // A compare-and-set holds its lock for one read and one write: a crashed holder delays the others this long at most.
    private static readonly TimeSpan CompareAndSetLockLifetime = TimeSpan.FromSeconds(10);

    /// <summary>Gets a value indicating whether compare-and-set runs under a lock shared by the instances.</summary>
    public bool HasLock => tokenLock is not null;

    public async ValueTask<SharedTokenEntry?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Decode(await cache.GetAsync(key, cancellationToken).ConfigureAwait(false));

    public async ValueTask SetAsync(string key, SharedTokenEntry entry, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = timeToLive };
        await cache.SetAsync(key, Encode(entry), options, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryReplaceAsync(string key, string expectedVersion, SharedTokenEntry replacement, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        var lease = await LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using var released = lease.ConfigureAwait(false);
        if (!string.Equals((await GetAsync(key, cancellationToken).ConfigureAwait(false))?.Version, expectedVersion, StringComparison.Ordinal))
        {
            return false;
        }

        await SetAsync(key, replacement, timeToLive, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<bool> TryRemoveAsync(string key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        var lease = await LockAsync(key, cancellationToken).ConfigureAwait(false);
        await using var released = lease.ConfigureAwait(false);
        if (!string.Equals((await GetAsync(key, cancellationToken).ConfigureAwait(false))?.Version, expectedVersion, StringComparison.Ordinal))
        {
            return false;
        }

        await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        await cache.RemoveAsync(key, cancellationToken).ConfigureAwait(false);

    private static byte[] Encode(SharedTokenEntry entry)
    {
        var version = Encoding.ASCII.GetBytes(entry.Version);
        if (version.Length > byte.MaxValue)
        {
            throw new ArgumentException("The version of a shared entry is at most 255 characters.", nameof(entry));
        }

        return [(byte)version.Length, .. version, .. entry.Data];
    }

    // An entry that is not of this shape (tampered) has no version, and bytes that do not decrypt: a miss.
    private static SharedTokenEntry? Decode(byte[]? stored) => stored switch
    {
        null => null,
        { Length: > 0 } when stored[0] < stored.Length => new(Encoding.ASCII.GetString(stored, 1, stored[0]), stored[(1 + stored[0])..]),
        _ => new(string.Empty, []),
    };

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

    private sealed class NoLease : IAsyncDisposable
    {
        public static readonly NoLease Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
