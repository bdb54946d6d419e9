using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>The single flight of <see cref="DistributedTokenCoordinator"/>: at most one fetch per key across the fleet.</summary>
internal sealed partial class DistributedTokenCoordinator
{
    /// <summary>
    /// Gets a token set for <paramref name="key"/> with at most one fetch across the fleet, for a fetch that may be
    /// repeated safely; see the overload with <c>oneTimeCredential</c>.
    /// </summary>
    /// <param name="provider">The provider name, for logs.</param>
    /// <param name="key">The key, from <see cref="ContextKey"/> or <see cref="SubjectKey"/>.</param>
    /// <param name="read">Reads the shared token set (cache or store).</param>
    /// <param name="isFresh">Whether a shared token set can be used instead of fetching.</param>
    /// <param name="fetch">Fetches a token set from the token endpoint.</param>
    /// <param name="publish">Publishes a fetched set, or <see langword="null"/> when <paramref name="fetch"/> stores it itself.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token set.</returns>
    public Task<TokenSet> SingleFlightAsync(
        string provider,
        string key,
        Func<CancellationToken, ValueTask<TokenSet?>> read,
        Func<TokenSet, bool> isFresh,
        Func<CancellationToken, Task<TokenSet>> fetch,
        Func<TokenSet, CancellationToken, ValueTask>? publish,
        CancellationToken cancellationToken) =>
        SingleFlightAsync(provider, key, read, isFresh, fetch, publish, oneTimeCredential: false, cancellationToken);

    /// <summary>
    /// Gets a token set for <paramref name="key"/> with at most one fetch across the fleet: a fresh shared one when there
    /// is one; else the lock holder fetches (and publishes) while the others poll <paramref name="read"/>. Without a
    /// reachable lock, fetches at once.
    /// </summary>
    /// <remarks>
    /// <para>
    /// A waiter of a repeatable fetch (<paramref name="oneTimeCredential"/> <see langword="false"/>: client credentials,
    /// password) gives up after <see cref="DistributedTokenCacheOptions.LockWait"/> and fetches itself. A waiter of a
    /// fetch that spends a one-time credential (<see langword="true"/>: the rotating refresh token of a signed-in user)
    /// never fetches while the lock is held elsewhere: it polls until the holder publishes, or until the lock is released
    /// or expires, and then takes the lock itself and reads again before it fetches.
    /// </para>
    /// <para>
    /// The holder's fetch is cancelled <see cref="FetchBound"/> after it took the lock, before the lock expires, so the
    /// lock is never taken over while the holder's request may still reach the token endpoint. This holds only when
    /// <see cref="DistributedTokenCacheOptions.LockLifetime"/> outlasts the token endpoint's total timeout; a fetch cut
    /// short this way fails with <see cref="TokenRequestException"/>.
    /// </para>
    /// </remarks>
    /// <param name="provider">The provider name, for logs and errors.</param>
    /// <param name="key">The key, from <see cref="ContextKey"/> or <see cref="SubjectKey"/>.</param>
    /// <param name="read">Reads the shared token set (cache or store).</param>
    /// <param name="isFresh">Whether a shared token set can be used instead of fetching.</param>
    /// <param name="fetch">Fetches a token set from the token endpoint.</param>
    /// <param name="publish">Publishes a fetched set, or <see langword="null"/> when <paramref name="fetch"/> stores it itself.</param>
    /// <param name="oneTimeCredential">Whether <paramref name="fetch"/> spends a credential that must not be presented twice.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token set.</returns>
    public async Task<TokenSet> SingleFlightAsync(
        string provider,
        string key,
        Func<CancellationToken, ValueTask<TokenSet?>> read,
        Func<TokenSet, bool> isFresh,
        Func<CancellationToken, Task<TokenSet>> fetch,
        Func<TokenSet, CancellationToken, ValueTask>? publish,
        bool oneTimeCredential,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(isFresh);
        ArgumentNullException.ThrowIfNull(fetch);
        if (await read(cancellationToken).ConfigureAwait(false) is { } shared && isFresh(shared))
        {
            return shared;
        }

        var lockKey = await KeyForLockAsync(key, cancellationToken).ConfigureAwait(false);
        var started = _time.GetTimestamp();
        var waitLogged = false;
        while (true)
        {
            var (lease, heldElsewhere) = lockKey is null ? (null, false) : await TryLockAsync(lockKey, cancellationToken).ConfigureAwait(false);
            if (lease is not null)
            {
                try
                {
                    // The previous holder may have published between our read and our lock.
                    if (await read(cancellationToken).ConfigureAwait(false) is { } published && isFresh(published))
                    {
                        return published;
                    }

                    return await FetchUnderLockAsync(provider, fetch, publish, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await ReleaseAsync(lease).ConfigureAwait(false);
                }
            }

            if (!heldElsewhere)
            {
                if (oneTimeCredential && _lock is not null)
                {
                    // The lock could not be reached (now, or lately by any provider of this process): another instance
                    // may be spending the same one-time credential. Fail closed; the user's stored set is untouched.
                    throw new TokenRequestException(provider, null, "temporarily_unavailable", null,
                        "The shared lock that keeps a signed-in user's refreshes one at a time across instances could not be reached; the refresh was not attempted");
                }

                return await FetchAndPublishAsync(fetch, publish, cancellationToken).ConfigureAwait(false);
            }

            var waited = _time.GetElapsedTime(started);
            if (waited >= _options.LockWait)
            {
                if (!oneTimeCredential)
                {
                    Log.SharedLockWaitExpired(_logger, provider, waited);
                    return await FetchAndPublishAsync(fetch, publish, cancellationToken).ConfigureAwait(false);
                }

                if (!waitLogged)
                {
                    waitLogged = true;
                    Log.SharedOneTimeWaitContinues(_logger, provider, waited);
                }
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

    /// <summary>Fetches while holding the lock, cancelled before the lock expires so that nobody takes it over mid-request.</summary>
    private async Task<TokenSet> FetchUnderLockAsync(string provider, Func<CancellationToken, Task<TokenSet>> fetch, Func<TokenSet, CancellationToken, ValueTask>? publish, CancellationToken cancellationToken)
    {
        using var bound = new CancellationTokenSource(FetchBound, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, bound.Token);
        TokenSet tokens;
        try
        {
            tokens = await fetch(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TokenRequestException(provider, null, null, null,
                $"The token request did not complete before the shared fetch lock expired ({nameof(DistributedTokenCacheOptions.LockLifetime)} must outlast the token endpoint's total timeout)", exception);
        }

        if (publish is not null)
        {
            await publish(tokens, cancellationToken).ConfigureAwait(false);
        }

        return tokens;
    }

    /// <summary>The key of the lock, keyed with the shared secret; <see langword="null"/> when the secret cannot be had now (work alone).</summary>
    private async ValueTask<string?> KeyForLockAsync(string key, CancellationToken cancellationToken)
    {
        if (_lock is null || Unavailable)
        {
            return null;
        }

        try
        {
            return await _keys.KeyAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
            return null;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

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
}
