namespace TokenClients.Caching;

/// <summary>
/// The cache entry of one <see cref="TokenContext"/> in one provider: the snapshot it serves, the fetch in flight, and
/// what refresh and invalidation need to remember. Fields other than <see cref="Current"/> change only under
/// <c>lock (entry)</c>; <see cref="Current"/> is read without a lock on the hot path.
/// </summary>
internal sealed class TokenEntry(TokenContext context)
{
    /// <summary>The context this entry caches a token for.</summary>
    public readonly TokenContext Context = context;

    /// <summary>The snapshot served to callers, or <see langword="null"/> when there is none (cold, invalidated).</summary>
    public volatile CachedToken? Current;

    /// <summary>Set once, under the entry's lock, when the entry leaves the table; no fetch starts on it afterwards.</summary>
    public volatile bool Evicted;

    /// <summary>Whether the entry's user signed out: a fetch still running on it hands nothing out. Written under the entry's lock.</summary>
    public bool SignedOut;

    /// <summary>The fetch every caller of this context shares, while one runs.</summary>
    public Task<CachedToken>? InFlight;

    /// <summary>UTC ticks before which refresh-ahead does not try again (after a failed or not-fresher refresh).</summary>
    public long RetryNotBeforeTicks;

    /// <summary>The newest token set this entry obtained, kept after invalidation or rejection for its refresh token.</summary>
    public TokenSet? Last;

    /// <summary>UTC ticks of the last invalidation that dropped a token.</summary>
    public long InvalidatedAtTicks;

    /// <summary>Whether the next snapshot replaces a token an API rejected.</summary>
    public bool NextReplacesRejected;

    /// <summary>Whether <see cref="Current"/> replaced a token an API rejected.</summary>
    public bool CurrentReplacesRejected;

    /// <summary>The hashed key of this entry in the shared cache or lock, computed on first use.</summary>
    public string? SharedKey;

    /// <summary>
    /// Gets a value indicating whether this is the plain context of a signed-in user (a subject and nothing else), whose
    /// token is the one stored for the user. Any other context of the user gets a token of its own.
    /// </summary>
    public bool IsSubjectDefault =>
        Context.Subject is not null && Context.Scope is null && Context.Resource is null && Context.SortedParameterSpan.IsEmpty;
}

/// <summary>An immutable cache snapshot: the ready token and the instants that govern it.</summary>
internal sealed class CachedToken
{
    private CachedToken(AccessToken token, long usableUntilTicks, long refreshAtTicks)
    {
        Token = token;
        UsableUntilTicks = usableUntilTicks;
        RefreshAtTicks = refreshAtTicks;
    }

    public AccessToken Token { get; }

    /// <summary>Gets the UTC ticks after which the token is no longer handed out (expiry minus the clock skew).</summary>
    public long UsableUntilTicks { get; }

    /// <summary>Gets the UTC ticks from which a background refresh starts.</summary>
    public long RefreshAtTicks { get; }

    public static CachedToken Create(TokenSet tokens, DateTimeOffset now, TokenProviderOptions options)
    {
        var (usableUntil, refreshAt) = Instants(tokens, now, options);
        return new CachedToken(tokens.ToAccessToken(), usableUntil, refreshAt);
    }

    /// <summary>When a token set stops being served and when its refresh starts, without building a snapshot.</summary>
    public static (long UsableUntilTicks, long RefreshAtTicks) Instants(TokenSet tokens, DateTimeOffset now, TokenProviderOptions options)
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
        return (usableUntil.UtcTicks, (usableUntil - window).UtcTicks);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
