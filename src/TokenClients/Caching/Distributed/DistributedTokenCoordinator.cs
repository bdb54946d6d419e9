using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// What every provider of a process shares to work as one fleet: the shared cache (<see cref="ITokenCache"/>), the
/// fetch lock (<see cref="ITokenLock"/>), and the outage state of both. A failure to reach them never fails a request:
/// it is logged once, and for <see cref="DistributedTokenCacheOptions.UnavailableBackoff"/> the providers work alone.
/// </summary>
internal sealed class DistributedTokenCoordinator
{
    private readonly ITokenCache? _cache;
    private readonly ITokenLock? _lock;
    private readonly DistributedTokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _unavailableUntilTicks;
    private int _unavailable;

    public DistributedTokenCoordinator(ITokenCache? cache, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger logger)
    {
        _cache = cache;
        _lock = tokenLock;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether a shared cache is configured.</summary>
    public bool HasCache => _cache is not null;

    /// <summary>Gets a value indicating whether a fetch lock is configured.</summary>
    public bool HasLock => _lock is not null;

    private bool Unavailable => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _unavailableUntilTicks);

    /// <summary>Reads the shared cache; a failure or an unreadable entry is a miss.</summary>
    public async ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache is null || Unavailable)
        {
            return null;
        }

        try
        {
            var tokens = await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
            Succeeded();
            return tokens;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
            return null;
        }
    }

    /// <summary>Publishes a token set to the shared cache until it expires; a failure is logged, never thrown.</summary>
    public async ValueTask SetAsync(string key, TokenSet tokens, CancellationToken cancellationToken)
    {
        if (_cache is null || Unavailable)
        {
            return;
        }

        try
        {
            await _cache.SetAsync(key, tokens, tokens.ExpiresAt, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
        }
    }

    /// <summary>
    /// Gets a token set for <paramref name="key"/> with at most one fetch across the fleet: a fresh shared one when there is
    /// one; else the lock holder fetches (and publishes) while the others poll <paramref name="read"/> for a bounded
    /// time, then fetch themselves. Without a reachable lock, fetches at once.
    /// </summary>
    /// <param name="provider">The provider name, for logs.</param>
    /// <param name="key">The shared key.</param>
    /// <param name="read">Reads the shared token set (cache or store).</param>
    /// <param name="isFresh">Whether a shared token set can be used instead of fetching.</param>
    /// <param name="fetch">Fetches a token set from the token endpoint.</param>
    /// <param name="publish">Publishes a fetched set, or <see langword="null"/> when <paramref name="fetch"/> stores it itself.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token set.</returns>
    public async Task<TokenSet> SingleFlightAsync(
        string provider,
        string key,
        Func<CancellationToken, ValueTask<TokenSet?>> read,
        Func<TokenSet, bool> isFresh,
        Func<CancellationToken, Task<TokenSet>> fetch,
        Func<TokenSet, CancellationToken, ValueTask>? publish,
        CancellationToken cancellationToken)
    {
        if (await read(cancellationToken).ConfigureAwait(false) is { } shared && isFresh(shared))
        {
            return shared;
        }

        var started = _time.GetTimestamp();
        while (true)
        {
            var (lease, heldElsewhere) = await TryLockAsync(key, cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                try
                {
                    // The previous holder may have published between our read and our lock.
                    if (await read(cancellationToken).ConfigureAwait(false) is { } published && isFresh(published))
                    {
                        return published;
                    }

                    return await FetchAndPublishAsync(fetch, publish, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await ReleaseAsync(lease).ConfigureAwait(false);
                }
            }

            if (!heldElsewhere)
            {
                return await FetchAndPublishAsync(fetch, publish, cancellationToken).ConfigureAwait(false);
            }

            var waited = _time.GetElapsedTime(started);
            if (waited >= _options.LockWait)
            {
                Log.SharedLockWaitExpired(_logger, provider, waited);
                return await FetchAndPublishAsync(fetch, publish, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(_options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
            if (await read(cancellationToken).ConfigureAwait(false) is { } polled && isFresh(polled))
            {
                return polled;
            }
        }
    }

    private static async Task<TokenSet> FetchAndPublishAsync(Func<CancellationToken, Task<TokenSet>> fetch, Func<TokenSet, CancellationToken, ValueTask>? publish, CancellationToken cancellationToken)
    {
        var tokens = await fetch(cancellationToken).ConfigureAwait(false);
        if (publish is not null)
        {
            await publish(tokens, cancellationToken).ConfigureAwait(false);
        }

        return tokens;
    }

    private async ValueTask<(IAsyncDisposable? Lease, bool HeldElsewhere)> TryLockAsync(string key, CancellationToken cancellationToken)
    {
        if (_lock is null || Unavailable)
        {
            return (null, false);
        }

        try
        {
            var lease = await _lock.TryAcquireAsync(key, _options.LockLifetime, cancellationToken).ConfigureAwait(false);
            Succeeded();
            return (lease, lease is null);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
            return (null, false);
        }
    }

    private async ValueTask ReleaseAsync(IAsyncDisposable lease)
    {
        try
        {
            await lease.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lock expires by itself; the others wait at most its lifetime.
            Failed(exception);
        }
    }

    private void Failed(Exception exception)
    {
        Volatile.Write(ref _unavailableUntilTicks, (_time.GetUtcNow() + _options.UnavailableBackoff).UtcTicks);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.SharedCacheUnavailable(_logger, _options.UnavailableBackoff, exception);
        }
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Log.SharedCacheRestored(_logger);
        }
    }
}
