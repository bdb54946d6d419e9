using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// The key secret of <see cref="SharedTokenKeys"/> when none is configured: 32 random bytes created once and kept in the
/// shared cache without expiry, encrypted with Data Protection; every instance reads it back.
/// </summary>
internal sealed class SharedKeySecret(IDistributedCache cache, IDataProtectionProvider dataProtection, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time)
{
    private const string Purpose = "TokenClients.SharedKeySecret.v1";
    private const string LockKey = "key-secret";
    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);
    private readonly string _key = options.Value.KeyPrefix + "key-secret";

    public async Task<byte[]> ReadOrCreateAsync(CancellationToken cancellationToken)
    {
        if (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var lease = await LockAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another instance may have created it while this one waited for the lock.
            if (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } created)
            {
                return created;
            }

            var secret = RandomNumberGenerator.GetBytes(32);
            await cache.SetAsync(_key, _protector.Protect(secret), new DistributedCacheEntryOptions(), cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                return secret;
            }

            // Without a lock another instance may have written its own at the same moment: the one stored is the one used.
            return await ReadAsync(cancellationToken).ConfigureAwait(false) ?? secret;
        }
        finally
        {
            if (lease is not null)
            {
                await lease.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        var data = await cache.GetAsync(_key, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(data);
        }
        catch (CryptographicException exception)
        {
            // Never replaced: instances that can read it still find their users by it.
            throw new InvalidOperationException(
                $"The shared key secret at '{_key}' cannot be decrypted: every instance must share the Data Protection key ring and application name, or configure {nameof(DistributedTokenCacheOptions)}.{nameof(DistributedTokenCacheOptions.KeySecret)}.",
                exception);
        }
    }

    /// <summary>Takes the creation lock, waiting at most one lock lifetime (a crashed holder's lock has expired by then).</summary>
    private async Task<IAsyncDisposable?> LockAsync(CancellationToken cancellationToken)
    {
        if (tokenLock is null)
        {
            return null;
        }

        var started = time.GetTimestamp();
        while (true)
        {
            if (await tokenLock.TryAcquireAsync(LockKey, options.Value.LockLifetime, cancellationToken).ConfigureAwait(false) is { } lease)
            {
                return lease;
            }

            if (time.GetElapsedTime(started) > options.Value.LockLifetime)
            {
                throw new TimeoutException("The lock serialising the creation of the shared key secret could not be taken.");
            }

            await Task.Delay(options.Value.PollInterval, time, cancellationToken).ConfigureAwait(false);

            // The holder may have created it meanwhile.
            if (await ReadAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return null;
            }
        }
    }
}
