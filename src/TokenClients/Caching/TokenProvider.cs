using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// The one <see cref="ITokenProvider"/>: an in-process cache keyed by <see cref="TokenContext"/>, single-flight
/// acquisition, refresh-ahead, refresh-token use with fallback, and the token store for user-bound flows.
/// </summary>
/// <remarks>
/// A cache hit reads one immutable snapshot and returns it synchronously: no lock, no allocation, no shared cache.
/// Locks guard only the swap of the in-flight task, never network I/O. With a shared cache and lock
/// (<see cref="DistributedTokenCoordinator"/>), a fetch first looks for a newer token published by another instance,
/// and at most one instance of the fleet asks the token endpoint for a key at a time.
/// </remarks>
internal sealed class TokenProvider : ITokenProvider, IDisposable
{
    private readonly ConcurrentDictionary<TokenContext, Entry> _entries = new();
    private readonly Lock _evictionGate = new();
    private readonly ITokenClient _client;
    private readonly ITokenStore? _store;
    private readonly TokenProviderOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DistributedTokenCoordinator? _shared;
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;

    // The default context's entry, kept out of the dictionary lookup: the common case costs one field read.
    private volatile Entry? _defaultEntry;

    // On the system clock a cache hit reads Environment.TickCount64 (about 5 ns) instead of the wall clock (about 25 ns),
    // anchored to UTC at every fetch and whenever a second of ticks has passed since the last anchor. The tick is coarse
    // (a few milliseconds) and stands still while the machine sleeps, so a hit may misjudge the time by up to a second
    // after a suspend: tokens stop being served ClockSkew before expiry, and a 401 replaces a token anyway.
    // A fake clock (tests) is read exactly, always.
    private const long ReanchorAfterMilliseconds = 1000;
    private readonly bool _coarseClock;
    private long _tickOffset;
    private long _anchorTick;

    public TokenProvider(string name, ITokenClient client, TokenProviderOptions options, TimeProvider time, ILogger logger, ITokenStore? store, DistributedTokenCoordinator? shared = null)
    {
        Name = name;
        _client = client;
        _options = options;
        _time = time;
        _logger = logger;
        _store = store;
        _shared = shared;
        _coarseClock = ReferenceEquals(time, TimeProvider.System);
        Reanchor();
        if (client.RequiresInteraction && store is null)
        {
            throw new InvalidOperationException($"Token provider '{name}' uses an interactive flow and needs an {nameof(ITokenStore)}.");
        }
    }

    public string Name { get; }

    /// <summary>Gets how many contexts are cached now.</summary>
    internal int CachedContextCount => _entries.Count;

    public ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        context ??= TokenContext.Default;
        var entry = ReferenceEquals(context, TokenContext.Default) ? _defaultEntry : Find(context);
        if (entry?.Current is { } current)
        {
            var now = HitClockTicks();
            if (now < current.UsableUntilTicks)
            {
                if (now >= current.RefreshAtTicks && now >= Volatile.Read(ref entry.RetryNotBeforeTicks))
                {
                    StartBackgroundRefresh(entry, context);
                }

                TokenClientsDiagnostics.RecordCacheHit(Name);
                return new ValueTask<AccessToken>(current.Token);
            }
        }

        TokenClientsDiagnostics.RecordCacheMiss(Name);
        return new ValueTask<AccessToken>(AcquireAsync(context, cancellationToken));
    }

    /// <summary>Now, in UTC ticks, as read on the cache-hit path.</summary>
    private long HitClockTicks()
    {
        if (!_coarseClock)
        {
            return _time.GetUtcNow().UtcTicks;
        }

        var tick = Environment.TickCount64;
        if (tick - Volatile.Read(ref _anchorTick) >= ReanchorAfterMilliseconds)
        {
            Reanchor();
        }

        return (tick * TimeSpan.TicksPerMillisecond) + Volatile.Read(ref _tickOffset);
    }

    private void Reanchor()
    {
        if (_coarseClock)
        {
            var tick = Environment.TickCount64;
            Volatile.Write(ref _tickOffset, _time.GetUtcNow().UtcTicks - (tick * TimeSpan.TicksPerMillisecond));
            Volatile.Write(ref _anchorTick, tick);
        }
    }

    public ValueTask InvalidateAsync(AccessToken token, TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        context ??= TokenContext.Default;
        // The same lookup as GetTokenAsync: the entry that served the token is the one that drops it.
        var entry = (ReferenceEquals(context, TokenContext.Default) ? _defaultEntry : null) ?? Find(context);
        if (entry is not null)
        {
            lock (entry)
            {
                // Only the rejected token goes: a newer one fetched meanwhile by another caller stays.
                if (entry.Current is { } current && current.Token.Equals(token))
                {
                    entry.Current = null;
                    entry.InvalidatedToken = token.Value;
                    Log.TokenInvalidated(_logger, Name);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _shutdown.Cancel();
            _shutdown.Dispose();
        }
    }

    private async Task<AccessToken> AcquireAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var entry = GetOrAddEntry(context);
        var cached = await StartFetch(entry, context, refreshAhead: false).WaitAsync(cancellationToken).ConfigureAwait(false);
        return cached.Token;
    }

    private void StartBackgroundRefresh(Entry entry, TokenContext context)
    {
        if (Volatile.Read(ref entry.InFlight) is null)
        {
            _ = StartFetch(entry, context, refreshAhead: true);
        }
    }

    private Task<Cached> StartFetch(Entry entry, TokenContext context, bool refreshAhead)
    {
        TaskCompletionSource<Cached> completion;
        Cached? previous;
        lock (entry)
        {
            if (entry.InFlight is { } running)
            {
                return running;
            }

            previous = entry.Current;
            var now = _time.GetUtcNow().UtcTicks;
            if (previous is not null && now < previous.UsableUntilTicks
                && (!refreshAhead || now < previous.RefreshAtTicks || now < Volatile.Read(ref entry.RetryNotBeforeTicks)))
            {
                // Another caller refreshed the entry between our read and this lock.
                return Task.FromResult(previous);
            }

            completion = new TaskCompletionSource<Cached>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.InFlight = completion.Task;
        }

        if (refreshAhead)
        {
            // The caller that noticed the refresh window must not pay for the refresh.
            TokenClientsDiagnostics.RecordRefreshAhead(Name);
            // Nor carry its execution context: the refresh's span is not a child of whichever request noticed the window.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => RunFetchAsync(entry, context, previous, completion));
            }
        }
        else
        {
            _ = RunFetchAsync(entry, context, previous, completion);
        }

        return completion.Task;
    }

    private async Task RunFetchAsync(Entry entry, TokenContext context, Cached? previous, TaskCompletionSource<Cached> completion)
    {
        try
        {
            var tokens = await FetchAsync(entry, context, _shutdown.Token).ConfigureAwait(false);
            Reanchor();
            var now = _time.GetUtcNow();
            if (tokens.ExpiresAt <= now)
            {
                throw new TokenRequestException(Name, null, null, null, "The token endpoint returned a token that has already expired; check the server's clock and the token lifetime it issues");
            }

            var cached = Cached.Create(tokens, now, _options);
            if (previous is not null && cached.Token.ExpiresAt <= previous.Token.ExpiresAt)
            {
                // A server that keeps re-issuing the same token near expiry must not be asked again at once.
                Volatile.Write(ref entry.RetryNotBeforeTicks, (now + _options.RefreshRetryInterval).UtcTicks);
                Log.RefreshNotFresher(_logger, Name, _options.RefreshRetryInterval);
            }

            lock (entry)
            {
                entry.Current = cached;
                entry.Last = tokens;
                entry.InFlight = null;
            }

            Log.TokenAcquired(_logger, Name, tokens.ExpiresAt);
            completion.SetResult(cached);
        }
        catch (Exception exception)
        {
            var stillServing = previous is not null && _time.GetUtcNow().UtcTicks < previous.UsableUntilTicks;
            if (stillServing)
            {
                Volatile.Write(ref entry.RetryNotBeforeTicks, (_time.GetUtcNow() + _options.RefreshRetryInterval).UtcTicks);
                Log.RefreshAheadFailed(_logger, Name, _options.RefreshRetryInterval, exception);
            }
            else
            {
                Log.TokenAcquisitionFailed(_logger, Name, exception);
            }

            lock (entry)
            {
                entry.InFlight = null;
            }

            completion.SetException(Wrap(exception));

            // Every waiter may have cancelled: observe the failure so it never surfaces as unobserved.
            _ = completion.Task.Exception;
        }
    }

    private Exception Wrap(Exception exception) => exception switch
    {
        TokenRequestException or OperationCanceledException or InvalidOperationException => exception,
        _ => new TokenRequestException(Name, null, null, null, "The token client failed unexpectedly", exception),
    };

    private Task<TokenSet> FetchAsync(Entry entry, TokenContext context, CancellationToken cancellationToken) =>
        _client.RequiresInteraction
            ? FetchForSubjectAsync(entry, context, cancellationToken)
            : FetchForClientAsync(entry, context, cancellationToken);

    private Task<TokenSet> FetchForClientAsync(Entry entry, TokenContext context, CancellationToken cancellationToken)
    {
        if (_shared is not { HasCache: true } shared)
        {
            return RequestForClientAsync(entry, context, cancellationToken);
        }

        var key = entry.SharedKey ??= TokenCacheKey.ForContext(Name, context);
        return shared.SingleFlightAsync(
            Name,
            key,
            token => shared.GetAsync(key, token),
            tokens => IsNewerAndFresh(entry, tokens),
            token => RequestForClientAsync(entry, context, token),
            (tokens, token) => shared.SetAsync(key, tokens, token),
            cancellationToken);
    }

    /// <summary>Uses the refresh token; a client that needs more of the current set (JustLogin's Bearer) gets all of it.</summary>
    private Task<TokenSet> RefreshAsync(TokenSet current, string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
        _client is ITokenSetRefresher refresher
            ? refresher.RefreshTokenAsync(current, context, cancellationToken)
            : _client.RefreshTokenAsync(refreshToken, context, cancellationToken);

    private async Task<TokenSet> RequestForClientAsync(Entry entry, TokenContext context, CancellationToken cancellationToken)
    {
        var previous = entry.Last;
        if (previous?.RefreshToken is { } refreshToken && _client.CanRefresh && !(previous.RefreshTokenExpiresAt <= _time.GetUtcNow()))
        {
            try
            {
                var refreshed = await TokenClientsDiagnostics.TraceTokenRequestAsync(Name, "refresh_token", _time, () => RefreshAsync(previous, refreshToken, context, cancellationToken)).ConfigureAwait(false);
                return refreshed.WithRefreshTokenFrom(previous);
            }
            catch (TokenRequestException exception) when (exception.IsGrantRejected)
            {
                // Non-interactive: the credentials can still obtain a new token set.
                Log.RefreshRejectedFallingBack(_logger, Name, exception.Error);
            }
        }

        return await TokenClientsDiagnostics.TraceTokenRequestAsync(Name, "request", _time, () => _client.RequestTokenAsync(context, cancellationToken)).ConfigureAwait(false);
    }

    private Task<TokenSet> FetchForSubjectAsync(Entry entry, TokenContext context, CancellationToken cancellationToken)
    {
        var subject = context.Subject ?? throw new InvalidOperationException(
            $"Token provider '{Name}' holds tokens of connected users: set {nameof(TokenContext)}.{nameof(TokenContext.Subject)} to the user's id.");
        if (_shared is not { HasLock: true } shared)
        {
            return RefreshForSubjectAsync(entry, context, subject, cancellationToken);
        }

        // One refresh per user across the fleet: the others wait for the rotated set to reach the store.
        var store = _store!;
        return shared.SingleFlightAsync(
            Name,
            entry.SharedKey ??= TokenCacheKey.ForSubject(Name, subject),
            token => store.GetAsync(Name, subject, token),
            tokens => IsNewerAndFresh(entry, tokens),
            token => RefreshForSubjectAsync(entry, context, subject, token),
            publish: null,
            cancellationToken);
    }

    private async Task<TokenSet> RefreshForSubjectAsync(Entry entry, TokenContext context, string subject, CancellationToken cancellationToken)
    {
        var store = _store!;
        var stored = await store.GetAsync(Name, subject, cancellationToken).ConfigureAwait(false)
            ?? throw new InteractionRequiredException(Name, subject, "No token set is stored for this user.");

        if (IsNewerAndFresh(entry, stored))
        {
            return stored;
        }

        if (stored.RefreshToken is not { } refreshToken || !_client.CanRefresh || stored.RefreshTokenExpiresAt <= _time.GetUtcNow())
        {
            if (IsUsable(entry, stored))
            {
                return stored;
            }

            throw new InteractionRequiredException(Name, subject, "The access token expired and no usable refresh token is stored.");
        }

        TokenSet refreshed;
        try
        {
            refreshed = (await TokenClientsDiagnostics.TraceTokenRequestAsync(Name, "refresh_token", _time, () => RefreshAsync(stored, refreshToken, context, cancellationToken)).ConfigureAwait(false)).WithRefreshTokenFrom(stored);
        }
        catch (TokenRequestException exception) when (exception.IsGrantRejected)
        {
            // Another instance may have used and rotated the same refresh token first: then its set is the one to use.
            var current = await store.GetAsync(Name, subject, CancellationToken.None).ConfigureAwait(false);
            if (current is not null && !TokenSetIdentity.Same(current, stored))
            {
                if (IsUsable(entry, current))
                {
                    Log.RefreshRaceLost(_logger, Name);
                    return current;
                }

                throw new InteractionRequiredException(Name, subject, "The refresh token was rejected.", exception);
            }

            await store.TryRemoveAsync(Name, subject, stored, CancellationToken.None).ConfigureAwait(false);
            throw new InteractionRequiredException(Name, subject, "The refresh token was rejected.", exception);
        }

        // The old refresh token may be consumed already: the new set must reach the store whatever happens next,
        // unless another instance stored a newer one first, which then wins.
        if (await store.TryReplaceAsync(Name, subject, stored, refreshed, CancellationToken.None).ConfigureAwait(false))
        {
            return refreshed;
        }

        var winner = await store.GetAsync(Name, subject, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InteractionRequiredException(Name, subject, "The user's token set was removed while it was being refreshed.");
        Log.RefreshRaceLost(_logger, Name);
        return winner;
    }

    /// <summary>
    /// Whether a token set found in the shared cache or the store can be used instead of fetching: newer than the one
    /// this entry holds, not the token an API rejected, and not yet due for refresh.
    /// </summary>
    private bool IsNewerAndFresh(Entry entry, TokenSet tokens)
    {
        var now = _time.GetUtcNow();
        return !string.Equals(tokens.AccessToken, entry.InvalidatedToken, StringComparison.Ordinal)
            && (entry.Last is not { } held || tokens.ExpiresAt > held.ExpiresAt)
            && now.UtcTicks < Cached.Create(tokens, now, _options).RefreshAtTicks;
    }

    private bool IsUsable(Entry entry, TokenSet tokens)
    {
        var now = _time.GetUtcNow();
        return !string.Equals(tokens.AccessToken, entry.InvalidatedToken, StringComparison.Ordinal)
            && now.UtcTicks < Cached.Create(tokens, now, _options).UsableUntilTicks;
    }

    /// <summary>
    /// The entry of a context: the one the context instance last led to when that is still this provider's, else a
    /// dictionary lookup. An application that keeps a context per user skips the lookup on every hit.
    /// </summary>
    private Entry? Find(TokenContext context)
    {
        if (context.ProviderEntry is Entry remembered && ReferenceEquals(remembered.Owner, this) && !remembered.Evicted)
        {
            return remembered;
        }

        var entry = _entries.GetValueOrDefault(context);
        if (entry is not null)
        {
            context.ProviderEntry = entry;
        }

        return entry;
    }

    private Entry GetOrAddEntry(TokenContext context)
    {
        if (!_entries.TryGetValue(context, out var entry))
        {
            if (_entries.Count >= _options.MaxCachedContexts)
            {
                Evict();
            }

            entry = _entries.GetOrAdd(context, static (_, owner) => new Entry(owner), this);
        }

        if (ReferenceEquals(context, TokenContext.Default))
        {
            _defaultEntry = entry;
        }
        else
        {
            context.ProviderEntry = entry;
        }

        return entry;
    }

    private void Evict()
    {
        lock (_evictionGate)
        {
            var excess = _entries.Count - (_options.MaxCachedContexts * 9 / 10);
            if (excess <= 0 || _entries.Count < _options.MaxCachedContexts)
            {
                return;
            }

            // Entries closest to expiry go first; an entry with a request in flight stays.
            var victims = _entries
                .Where(pair => Volatile.Read(ref pair.Value.InFlight) is null)
                .OrderBy(pair => pair.Value.Current?.UsableUntilTicks ?? long.MinValue)
                .Take(excess)
                .ToList();
            foreach (var victim in victims)
            {
                victim.Value.Evicted = true;
                _entries.TryRemove(victim);
                if (ReferenceEquals(victim.Value, _defaultEntry))
                {
                    _defaultEntry = null;
                }
            }

            Log.CacheEvicted(_logger, Name, victims.Count, _options.MaxCachedContexts);
        }
    }

    private sealed class Entry(TokenProvider owner)
    {
        public readonly TokenProvider Owner = owner;
        public volatile Cached? Current;
        public volatile bool Evicted;
        public Task<Cached>? InFlight;
        public long RetryNotBeforeTicks;

        /// <summary>The newest token set, kept after invalidation for its refresh token.</summary>
        public TokenSet? Last;

        /// <summary>The last token an API rejected: a stored copy of it must not be served again.</summary>
        public string? InvalidatedToken;

        /// <summary>The hashed key of this entry in the shared cache, lock and store, computed on first use.</summary>
        public string? SharedKey;
    }

    /// <summary>An immutable cache snapshot: the ready token and the instants that govern it.</summary>
    private sealed class Cached
    {
        private Cached(AccessToken token, long usableUntilTicks, long refreshAtTicks)
        {
            Token = token;
            UsableUntilTicks = usableUntilTicks;
            RefreshAtTicks = refreshAtTicks;
        }

        public AccessToken Token { get; }

        public long UsableUntilTicks { get; }

        public long RefreshAtTicks { get; }

        public static Cached Create(TokenSet tokens, DateTimeOffset now, TokenProviderOptions options)
        {
            var lifetime = tokens.ExpiresAt - now;
            if (lifetime < TimeSpan.Zero)
            {
                lifetime = TimeSpan.Zero;
            }

            // Both margins scale down with short lifetimes, so a 30-second token is still reused for most of its life.
            var skew = Min(options.ClockSkew, lifetime / 10);
            var window = Min(options.RefreshBeforeExpiry, lifetime / 5);
            var usableUntil = tokens.ExpiresAt - skew;
            return new Cached(tokens.ToAccessToken(), usableUntil.UtcTicks, (usableUntil - window).UtcTicks);
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }
}
