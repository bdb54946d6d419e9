using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// What every provider of a process shares to work as one fleet: the shared cache (<see cref="ITokenCache"/>), the
/// fetch lock (<see cref="ITokenLock"/>), and the outage state of both. A failure to reach them never fails a request:
/// it is logged once, and for <see cref="DistributedTokenCacheOptions.UnavailableBackoff"/> the providers work alone.
/// </summary>
/// <remarks>
/// Keys handed to this coordinator are unkeyed hashes built by <see cref="ContextKey"/> and <see cref="SubjectKey"/>;
/// they never leave the process as they are: the coordinator keys them with the shared secret
/// (<see cref="SharedTokenKeys"/>) before it reads the cache or takes the lock.
/// </remarks>
internal sealed class DistributedTokenCoordinator
{
    private readonly ITokenCache? _cache;
    private readonly ITokenLock? _lock;
    private readonly DistributedTokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SharedTokenKeys _keys;
    private long _unavailableUntilTicks;
    private int _unavailable;

    public DistributedTokenCoordinator(ITokenCache? cache, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger logger, SharedTokenKeys? keys = null)
    {
        _keys = keys ?? new SharedTokenKeys(null, null, null);
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

    /// <summary>How long before its lock expires a holder's fetch is cancelled: a tenth of the lifetime, at most 5 seconds.</summary>
    internal TimeSpan FetchBound => _options.LockLifetime - Min(TimeSpan.FromSeconds(5), _options.LockLifetime / 10);

    private bool Unavailable => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _unavailableUntilTicks);

    /// <summary>
    /// The key of a provider's token for a context: the provider, the context, and the configuration of its token client
    /// (client id, endpoint, grant, scope, resource, …; never a secret), so instances configured differently never serve
    /// each other's tokens.
    /// </summary>
    /// <param name="client">The provider's token client.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="context">The context.</param>
    /// <returns>The key to pass to <see cref="GetAsync"/>, <see cref="SetAsync"/> and <see cref="SingleFlightAsync(string, string, Func{CancellationToken, ValueTask{TokenSet?}}, Func{TokenSet, bool}, Func{CancellationToken, Task{TokenSet}}, Func{TokenSet, CancellationToken, ValueTask}?, bool, CancellationToken)"/>.</returns>
    public static string ContextKey(ITokenClient client, string provider, TokenContext context) =>
        TokenCacheKey.ForContext(provider, context, ConfigurationFingerprint.Of(client).Request);

    /// <summary>
    /// The key of the single flight of a provider's refreshes for a subject: the provider, the subject and what a refresh
    /// token is bound to (client id and token endpoint), not the scope; the same as the key of the subject's stored set.
    /// </summary>
    /// <param name="client">The provider's token client.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="subject">The subject.</param>
    /// <returns>The key to pass to <see cref="SingleFlightAsync(string, string, Func{CancellationToken, ValueTask{TokenSet?}}, Func{TokenSet, bool}, Func{CancellationToken, Task{TokenSet}}, Func{TokenSet, CancellationToken, ValueTask}?, bool, CancellationToken)"/>.</returns>
    public static string SubjectKey(ITokenClient client, string provider, string subject) =>
        TokenCacheKey.ForSubject(provider, subject, ConfigurationFingerprint.Of(client).Client);

    /// <summary>Reads the shared cache; a failure or an unreadable entry is a miss.</summary>
    public async ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache is null || Unavailable)
        {
            return null;
        }

        try
        {
            var tokens = await _cache.GetAsync(await _keys.KeyAsync(key, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
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
            await _cache.SetAsync(await _keys.KeyAsync(key, cancellationToken).ConfigureAwait(false), tokens, tokens.ExpiresAt, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
        }
    }

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
