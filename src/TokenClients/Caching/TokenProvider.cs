using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// The one <see cref="ITokenProvider"/>: an in-process cache keyed by <see cref="TokenContext"/>, single-flight
/// acquisition, refresh-ahead, and a token source chosen once: the client's own tokens
/// (<see cref="ClientTokenSource"/>) or signed-in users' tokens from the store (<see cref="SubjectTokenSource"/>).
/// </summary>
/// <remarks>
/// A cache hit reads one immutable snapshot and returns it synchronously: no lock, no allocation, no shared cache.
/// Locks guard only the swap of the in-flight task, never network I/O. Every fetch completes its callers whatever
/// happens after the token request (a logger that throws included), and nothing a fetch logs can fail it.
/// </remarks>
internal sealed class TokenProvider : ITokenProvider, IRejectionFeedback, IDisposable
{
    private readonly TokenEntryTable _entries;
    private readonly TokenFetcher _fetcher;
    private readonly HitClock _clock;
    private readonly RejectedTokens _rejected = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;

    public TokenProvider(string name, ITokenClient client, TokenProviderOptions options, TimeProvider time, ILogger logger, ITokenStore? store, DistributedTokenCoordinator? shared = null)
    {
        Name = name;
        Client = client;
        Options = options;
        Time = time;
        Logger = logger;
        Shared = shared;
        _clock = new HitClock(time);
        _entries = new TokenEntryTable(this, options.MaxCachedContexts, logger);
        ITokenSource source = client.RequiresInteraction
            ? new SubjectTokenSource(this, store ?? throw new InvalidOperationException($"Token provider '{name}' uses an interactive flow and needs an {nameof(ITokenStore)}."))
            : new ClientTokenSource(this);
        _fetcher = new TokenFetcher(this, source, _clock, _entries, _shutdown.Token);
    }

    public string Name { get; }

    internal ITokenClient Client { get; }

    internal TokenProviderOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal DistributedTokenCoordinator? Shared { get; }

    /// <summary>Gets the instruments this provider records on: its container's meter, or the default one.</summary>
    internal TokenClientsMetrics Metrics { get; init; } = TokenClientsMetrics.Default;

    /// <summary>Forgets every cached token of <paramref name="subject"/>, who signed out; fetches in flight for it hand nothing out.</summary>
    internal void ForgetSubject(string subject) => _entries.RemoveSubject(subject);

    /// <summary>Gets the sign-outs shared with the other instances, when the application shares signed-in users.</summary>
    internal SharedSignOuts? SignOuts { get; init; }

    /// <summary>Forgets <paramref name="subject"/> here at once, then tells the other instances to (never throws for them).</summary>
    internal ValueTask ForgetSubjectEverywhereAsync(string subject, CancellationToken cancellationToken)
    {
        ForgetSubject(subject);
        return SignOuts?.PublishAsync(Name, subject, cancellationToken) ?? ValueTask.CompletedTask;
    }

    /// <summary>Gets how many contexts are cached now.</summary>
    internal int CachedContextCount => _entries.Count;

    public ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        context ??= TokenContext.Default;
        if (TryHit(_entries.Find(context), out var token))
        {
            return new ValueTask<AccessToken>(token);
        }

        Metrics.RecordCacheMiss(Name);
        return new ValueTask<AccessToken>(AcquireAsync(context, cancellationToken));
    }

    /// <summary>
    /// The token of <c>TokenContext.ForSubject(subject)</c>; a cached one is found by the user's id alone, without building
    /// a context (a request that names its user with <c>WithTokenSubject</c>).
    /// </summary>
    internal ValueTask<AccessToken> GetSubjectTokenAsync(string subject, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return TryHit(_entries.FindSubject(subject), out var token)
            ? new ValueTask<AccessToken>(token)
            : GetTokenAsync(TokenContext.ForSubject(subject), cancellationToken);
    }

    public ValueTask InvalidateAsync(AccessToken token, TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var entry = _entries.Find(context ?? TokenContext.Default);
        var dropped = false;
        if (entry is not null)
        {
            lock (entry)
            {
                // Only the rejected token goes: a newer one fetched meanwhile by another caller stays.
                if (entry.Current is { } current && current.Token.Equals(token))
                {
                    var now = Time.GetUtcNow().UtcTicks;
                    if (entry.CurrentReplacesRejected && now - entry.InvalidatedAtTicks < Options.RejectedTokenCooldown.Ticks)
                    {
                        // The replacement of a rejected token is rejected too: the API refuses every token for now, and a
                        // new token request per call would not help. It stays until the cooldown ends.
                        Safe.Log(Logger, static (logger, state) => Log.RejectedTokenKept(logger, state.Name, state.Cooldown), (Name, Cooldown: Options.RejectedTokenCooldown));
                        return ValueTask.CompletedTask;
                    }

                    // Recorded under the entry's lock: a fetch admitting a token checks the record under the same lock.
                    _rejected.Add(token.Value);
                    entry.Current = null;
                    entry.InvalidatedAtTicks = now;
                    entry.NextReplacesRejected = true;
                    dropped = true;
                }
            }
        }

        // Whether or not this entry still held it, a copy in the store or the shared cache is never served again.
        _rejected.Add(token.Value);

        // An entry that replaced an evicted one may have admitted the token just before the record: drop it there too.
        if (_entries.Find(context ?? TokenContext.Default) is { } successor && !ReferenceEquals(successor, entry))
        {
            lock (successor)
            {
                if (successor.Current is { } current && current.Token.Equals(token))
                {
                    successor.Current = null;
                }
            }
        }

        if (dropped)
        {
            Safe.Log(Logger, static (logger, name) => Log.TokenInvalidated(logger, name), Name);
        }

        return ValueTask.CompletedTask;
    }

    public void Accepted(AccessToken token, TokenContext? context)
    {
        if (_entries.Find(context ?? TokenContext.Default) is { } entry)
        {
            lock (entry)
            {
                if (entry.Current is { } current && current.Token.Equals(token))
                {
                    entry.CurrentReplacesRejected = false;
                }
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _shutdown.Cancel();
            _shutdown.Dispose();
        }
    }

    /// <summary>
    /// Whether a token set found in the shared cache or the store can be used instead of fetching: newer than the one
    /// this entry holds, not the token an API rejected, and not yet due for refresh.
    /// </summary>
    internal bool IsNewerAndFresh(TokenEntry entry, TokenSet tokens)
    {
        var now = Time.GetUtcNow();
        return !_rejected.Contains(tokens.AccessToken)
            && (Volatile.Read(ref entry.Last) is not { } held || tokens.ExpiresAt > held.ExpiresAt)
            && now.UtcTicks < CachedToken.Instants(tokens, now, Options).RefreshAtTicks;
    }

    /// <summary>Whether an API rejected this access token lately.</summary>
    internal bool IsRejected(string accessToken) => _rejected.Contains(accessToken);

    /// <summary>Whether a stored token set may still be served: not the token an API rejected, and not expired.</summary>
    internal bool IsUsable(TokenSet tokens)
    {
        var now = Time.GetUtcNow();
        return !_rejected.Contains(tokens.AccessToken)
            && now.UtcTicks < CachedToken.Instants(tokens, now, Options).UsableUntilTicks;
    }

    /// <summary>Refreshes the current set: the client sees all of it (JustLogin also sends its access token).</summary>
    internal Task<TokenSet> RefreshAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
        Client.RefreshTokenAsync(current, context, cancellationToken);

    private async Task<AccessToken> AcquireAsync(TokenContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

            // An entry evicted between the lookup and the fetch takes no fetch: the next lookup finds its successor.
            if (_fetcher.Start(_entries.GetOrAdd(context), refreshAhead: false) is { } fetch)
            {
                var cached = await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
                return cached.Token;
            }
        }
    }

    /// <summary>A usable snapshot of <paramref name="entry"/>: synchronous, lock-free; opens a refresh inside the window.</summary>
    private bool TryHit(TokenEntry? entry, [NotNullWhen(true)] out AccessToken? token)
    {
        if (entry?.Current is { } current)
        {
            var now = _clock.UtcTicks();
            if (now < current.UsableUntilTicks)
            {
                if (now >= current.RefreshAtTicks && now >= Volatile.Read(ref entry.RetryNotBeforeTicks))
                {
                    StartBackgroundRefresh(entry);
                }

                Metrics.RecordCacheHit(Name);
                token = current.Token;
                return true;
            }
        }

        token = null;
        return false;
    }

    private void StartBackgroundRefresh(TokenEntry entry)
    {
        if (Volatile.Read(ref entry.InFlight) is null && Volatile.Read(ref _disposed) == 0)
        {
            _ = _fetcher.Start(entry, refreshAhead: true);
        }
    }
}
