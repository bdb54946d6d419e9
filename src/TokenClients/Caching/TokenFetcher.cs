using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// The single flight of a provider's entries: at most one fetch per entry at a time, shared by every caller of the
/// entry, run in the background for refresh-ahead. A fetch always completes its callers, and only then logs.
/// </summary>
internal sealed class TokenFetcher(TokenProvider provider, ITokenSource source, HitClock clock, TokenEntryTable entries, CancellationToken shutdown)
{
    /// <summary>Joins the entry's fetch or starts one; <see langword="null"/> when the entry was evicted.</summary>
    public Task<CachedToken>? Start(TokenEntry entry, bool refreshAhead)
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
                return null;
            }

            previous = entry.Current;
            var now = provider.Time.GetUtcNow().UtcTicks;
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
            provider.Metrics.RecordRefreshAhead(provider.Name);
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
        TokenSet? tokens;
        CachedToken? cached;
        Exception? failure;
        var notFresher = false;
        var stillServing = false;
        for (var round = 0; ; round++)
        {
            (tokens, cached, failure) = (null, null, null);
            var fetchStarted = provider.Time.GetUtcNow();
            try
            {
                tokens = await source.FetchAsync(entry, shutdown).ConfigureAwait(false);
                clock.Reanchor();
                cached = Admit(tokens);
            }
#pragma warning disable CA1031 // Every failure goes to the callers, below.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
            }

            // State first, callers next, logs last: nothing after the fetch can leave the callers waiting.
            var now = provider.Time.GetUtcNow();
            var again = false;
            lock (entry)
            {
                if (entry.SignedOut)
                {
                    // The user signed out while this fetch ran: nothing it got is kept or handed out.
                    (tokens, cached, failure) = (null, null, new InteractionRequiredException(provider.Name, entry.Context.Subject, "The user signed out while a token was being fetched."));
                }

                if (tokens is not null)
                {
                    // Kept even when the set was refused (already expired, unusable): its refresh token may be the only live one.
                    entry.Last = tokens;
                }

                if (cached is not null && round < 2 && provider.IsRejected(cached.Token.Value))
                {
                    // An API rejected this token while it was being read from the store or the shared cache: callers that
                    // joined after the rejection must not get it. Fetch past it (the sources skip rejected tokens).
                    again = true;
                }
                else if (cached is null && round == 0 && tokens is not null && tokens.ExpiresAt <= now && tokens.ExpiresAt > fetchStarted)
                {
                    // Valid when it was read (a stored or shared set), expired by the time it arrived here: one more fetch
                    // refreshes it. A server whose tokens arrive expired is refused below.
                    again = true;
                }
                else if (cached is not null)
                {
                    // A server that keeps re-issuing the same token near expiry must not be asked again at once.
                    notFresher = previous is not null && cached.Token.ExpiresAt <= previous.Token.ExpiresAt;
                    entry.RetryNotBeforeTicks = notFresher ? (now + provider.Options.RefreshRetryInterval).UtcTicks : 0;
                    entry.Current = cached;
                    entry.CurrentReplacesRejected = entry.NextReplacesRejected;
                    entry.NextReplacesRejected = false;
                    entry.InFlight = null;
                }
                else
                {
                    stillServing = previous is not null && now.UtcTicks < previous.UsableUntilTicks;
                    if (stillServing)
                    {
                        entry.RetryNotBeforeTicks = (now + provider.Options.RefreshRetryInterval).UtcTicks;
                    }

                    entry.InFlight = null;
                }
            }

            if (!again)
            {
                break;
            }
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

        entries.TrimIfOver();
        LogOutcome(tokens, cached, failure, notFresher, stillServing);
    }

    /// <summary>Turns a fetched token set into a snapshot, or refuses it with the reason.</summary>
    private CachedToken Admit(TokenSet tokens)
    {
        var now = provider.Time.GetUtcNow();
        if (tokens.ExpiresAt <= now)
        {
            throw new TokenRequestException(provider.Name, null, null, null, "The token endpoint returned a token that has already expired; check the server's clock and the token lifetime it issues");
        }

        if (!IsHeaderSafe(tokens.AccessToken))
        {
            throw new TokenRequestException(provider.Name, null, null, null, "The access token contains characters an Authorization header cannot carry (only visible ASCII is allowed); it was not cached");
        }

        // A DPoP token that did not come from this provider's token client (a shared cache, a durable store) is bound to
        // the provider's key: the same key on every instance when the key is supplied (DPoP:Key).
        if (tokens.ProofKey is null && provider.Client is Internal.IProofOfPossessionClient { ProofKey: { } key }
            && string.Equals(tokens.TokenType, "DPoP", StringComparison.OrdinalIgnoreCase))
        {
            tokens = tokens.BoundTo(key);
        }

        return CachedToken.Create(tokens, now, provider.Options);
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
                Safe.Log(provider.Logger, static (logger, state) => Log.RefreshNotFresher(logger, state.Name, state.Interval), (provider.Name, Interval: provider.Options.RefreshRetryInterval));
            }

            Safe.Log(provider.Logger, static (logger, state) => Log.TokenAcquired(logger, state.Name, state.ExpiresAt), (provider.Name, tokens!.ExpiresAt));
        }
        else if (stillServing)
        {
            Safe.Log(provider.Logger, static (logger, state) => Log.RefreshAheadFailed(logger, state.Name, state.Interval, state.Failure), (provider.Name, Interval: provider.Options.RefreshRetryInterval, Failure: failure!));
        }
        else
        {
            // A typed failure reaches every caller, who logs it with its stack: here once, by its message (never a secret).
            if (failure is TokenRequestException typed)
            {
                Safe.Log(provider.Logger, static (logger, state) => Log.TokenAcquisitionFailed(logger, state.Name, state.Reason), (provider.Name, Reason: typed.Message));
            }
            else
            {
                Safe.Log(provider.Logger, static (logger, state) => Log.TokenAcquisitionFailedUnexpectedly(logger, state.Name, state.Failure), (provider.Name, Failure: failure!));
            }
        }
    }

    private Exception Wrap(Exception exception) => exception switch
    {
        TokenRequestException or OperationCanceledException or InvalidOperationException => exception,
        _ => new TokenRequestException(provider.Name, null, null, null, $"The token client failed unexpectedly ({exception.GetType().Name})", exception),
    };
}
