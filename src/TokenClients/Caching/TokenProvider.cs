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
internal sealed class TokenProvider : ITokenProvider, IDisposable
{
    private readonly TokenEntryTable _entries;
    private readonly ITokenSource _source;
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
        if (client.RequiresInteraction)
        {
            _source = new SubjectTokenSource(this, store
                ?? throw new InvalidOperationException($"Token provider '{name}' uses an interactive flow and needs an {nameof(ITokenStore)}."));
        }
        else
        {
            _source = new ClientTokenSource(this);
        }
    }

    public string Name { get; }

    internal ITokenClient Client { get; }

    internal TokenProviderOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    internal DistributedTokenCoordinator? Shared { get; }

    /// <summary>Gets how many contexts are cached now.</summary>
    internal int CachedContextCount => _entries.Count;

    public ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        context ??= TokenContext.Default;
        var entry = _entries.Find(context);
        if (entry?.Current is { } current)
        {
            var now = _clock.UtcTicks();
            if (now < current.UsableUntilTicks)
            {
                if (now >= current.RefreshAtTicks && now >= Volatile.Read(ref entry.RetryNotBeforeTicks))
                {
                    StartBackgroundRefresh(entry);
                }

                TokenClientsDiagnostics.RecordCacheHit(Name);
                return new ValueTask<AccessToken>(current.Token);
            }
        }

        TokenClientsDiagnostics.RecordCacheMiss(Name);
        return new ValueTask<AccessToken>(AcquireAsync(context, cancellationToken));
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

                    entry.Current = null;
                    entry.InvalidatedAtTicks = now;
                    entry.NextReplacesRejected = true;
                    dropped = true;
                }
            }
        }

        // Whether or not this entry still held it, a copy in the store or the shared cache is never served again.
        _rejected.Add(token.Value);
        if (dropped)
        {
            Safe.Log(Logger, static (logger, name) => Log.TokenInvalidated(logger, name), Name);
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

    /// <summary>Whether a stored token set may still be served: not the token an API rejected, and not expired.</summary>
    internal bool IsUsable(TokenSet tokens)
    {
        var now = Time.GetUtcNow();
        return !_rejected.Contains(tokens.AccessToken)
            && now.UtcTicks < CachedToken.Instants(tokens, now, Options).UsableUntilTicks;
    }

    /// <summary>Uses the refresh token; a client that needs more of the current set (JustLogin's Bearer) gets all of it.</summary>
    internal Task<TokenSet> RefreshAsync(TokenSet current, string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
        Client is ITokenSetRefresher refresher
            ? refresher.RefreshTokenAsync(current, context, cancellationToken)
            : Client.RefreshTokenAsync(refreshToken, context, cancellationToken);

    private async Task<AccessToken> AcquireAsync(TokenContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

            // An entry evicted between the lookup and the fetch takes no fetch: the next lookup finds its successor.
            if (StartFetch(_entries.GetOrAdd(context), refreshAhead: false) is { } fetch)
            {
                var cached = await fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
                return cached.Token;
            }
        }
    }

    private void StartBackgroundRefresh(TokenEntry entry)
    {
        if (Volatile.Read(ref entry.InFlight) is null && Volatile.Read(ref _disposed) == 0)
        {
            _ = StartFetch(entry, refreshAhead: true);
        }
    }

    /// <summary>Joins the entry's fetch or starts one; <see langword="null"/> when the entry was evicted.</summary>
    private Task<CachedToken>? StartFetch(TokenEntry entry, bool refreshAhead)
    {
        TaskCompletionSource<CachedToken> completion;
        CachedToken? previous;
        lock (entry)
        {
            if (entry.InFlight is { } running)
            {
                return running;
            }

            if (entry.Evicted)
            {
                return refreshAhead ? Task.FromResult(entry.Current!) : null;
            }

            previous = entry.Current;
            var now = Time.GetUtcNow().UtcTicks;
            if (previous is not null && now < previous.UsableUntilTicks
                && (!refreshAhead || now < previous.RefreshAtTicks || now < entry.RetryNotBeforeTicks))
            {
                // Another caller refreshed the entry between our read and this lock.
                return Task.FromResult(previous);
            }

            completion = new TaskCompletionSource<CachedToken>(TaskCreationOptions.RunContinuationsAsynchronously);
            entry.InFlight = completion.Task;
        }

        if (refreshAhead)
        {
            // The caller that noticed the refresh window must not pay for the refresh.
            TokenClientsDiagnostics.RecordRefreshAhead(Name);
            // Nor carry its execution context: the refresh's span is not a child of whichever request noticed the window.
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(() => RunFetchAsync(entry, previous, completion));
            }
        }
        else
        {
            _ = RunFetchAsync(entry, previous, completion);
        }

        return completion.Task;
    }

    private async Task RunFetchAsync(TokenEntry entry, CachedToken? previous, TaskCompletionSource<CachedToken> completion)
    {
        TokenSet? tokens = null;
        CachedToken? cached = null;
        Exception? failure = null;
        try
        {
            tokens = await _source.FetchAsync(entry, _shutdown.Token).ConfigureAwait(false);
            _clock.Reanchor();
            cached = Admit(tokens);
        }
#pragma warning disable CA1031 // Every failure goes to the callers, below.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
        }

        // State first, callers next, logs last: nothing after the fetch can leave the callers waiting.
        var now = Time.GetUtcNow();
        var notFresher = false;
        var stillServing = false;
        lock (entry)
        {
            if (tokens is not null)
            {
                // Kept even when the set was refused (already expired, unusable): its refresh token may be the only live one.
                entry.Last = tokens;
            }

            if (cached is not null)
            {
                // A server that keeps re-issuing the same token near expiry must not be asked again at once.
                notFresher = previous is not null && cached.Token.ExpiresAt <= previous.Token.ExpiresAt;
                entry.RetryNotBeforeTicks = notFresher ? (now + Options.RefreshRetryInterval).UtcTicks : 0;
                entry.Current = cached;
                entry.CurrentReplacesRejected = entry.NextReplacesRejected;
                entry.NextReplacesRejected = false;
            }
            else
            {
                stillServing = previous is not null && now.UtcTicks < previous.UsableUntilTicks;
                if (stillServing)
                {
                    entry.RetryNotBeforeTicks = (now + Options.RefreshRetryInterval).UtcTicks;
                }
            }

            entry.InFlight = null;
        }

        if (cached is not null)
        {
            completion.TrySetResult(cached);
        }
        else
        {
            completion.TrySetException(Wrap(failure!));

            // Every waiter may have cancelled: observe the failure so it never surfaces as unobserved.
            _ = completion.Task.Exception;
        }

        _entries.TrimIfOver();
        LogOutcome(tokens, cached, failure, notFresher, stillServing);
    }

    /// <summary>Turns a fetched token set into a snapshot, or refuses it with the reason.</summary>
    private CachedToken Admit(TokenSet tokens)
    {
        var now = Time.GetUtcNow();
        if (tokens.ExpiresAt <= now)
        {
            throw new TokenRequestException(Name, null, null, null, "The token endpoint returned a token that has already expired; check the server's clock and the token lifetime it issues");
        }

        if (!IsHeaderSafe(tokens.AccessToken))
        {
            throw new TokenRequestException(Name, null, null, null, "The access token contains characters an Authorization header cannot carry (only visible ASCII is allowed); it was not cached");
        }

        return CachedToken.Create(tokens, now, Options);
    }

    /// <summary>Whether a token is made of visible ASCII only (RFC 6750's b64token is a subset), so a header can carry it.</summary>
    private static bool IsHeaderSafe(string token)
    {
        foreach (var c in token)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private void LogOutcome(TokenSet? tokens, CachedToken? cached, Exception? failure, bool notFresher, bool stillServing)
    {
        if (cached is not null)
        {
            if (notFresher)
            {
                Safe.Log(Logger, static (logger, state) => Log.RefreshNotFresher(logger, state.Name, state.Interval), (Name, Interval: Options.RefreshRetryInterval));
            }

            Safe.Log(Logger, static (logger, state) => Log.TokenAcquired(logger, state.Name, state.ExpiresAt), (Name, tokens!.ExpiresAt));
        }
        else if (stillServing)
        {
            Safe.Log(Logger, static (logger, state) => Log.RefreshAheadFailed(logger, state.Name, state.Interval, state.Failure), (Name, Interval: Options.RefreshRetryInterval, Failure: failure!));
        }
        else
        {
            Safe.Log(Logger, static (logger, state) => Log.TokenAcquisitionFailed(logger, state.Name, state.Failure), (Name, Failure: failure!));
        }
    }

    private Exception Wrap(Exception exception) => exception switch
    {
        TokenRequestException or OperationCanceledException or InvalidOperationException => exception,
        _ => new TokenRequestException(Name, null, null, null, $"The token client failed unexpectedly ({exception.GetType().Name})", exception),
    };
}
