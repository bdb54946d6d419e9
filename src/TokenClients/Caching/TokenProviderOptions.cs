namespace TokenClients;

/// <summary>Cache and refresh policy of one provider (named options, one per provider name).</summary>
public sealed class TokenProviderOptions
{
    /// <summary>
    /// Gets or sets the safety margin before expiry after which a token is no longer handed out, to absorb
    /// clock differences and request latency. Capped at a tenth of the token's lifetime. Default: 30 seconds.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long before expiry (after <see cref="ClockSkew"/>) a background refresh starts while
    /// callers keep getting the current token. Capped at a fifth of the token's lifetime, so short-lived
    /// tokens are still reused for most of their life. Default: 5 minutes.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long refresh-ahead waits before trying again after a background refresh failed or
    /// returned a token no fresher than the one held. Default: 10 seconds.
    /// </summary>
    public TimeSpan RefreshRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets how long a token that replaced a rejected one is kept when an API rejects it too before it was ever
    /// accepted. An API that answers 401 to every token would otherwise cost one token request per call: within this
    /// interval after an invalidation, invalidating a replacement that no request got through with (the
    /// <see cref="TokenHandler"/>'s resend was refused too) leaves it cached, and the request gets the API's 401. A
    /// replacement the API accepted is replaced at its next rejection, as is any token past the interval.
    /// <see cref="TimeSpan.Zero"/> replaces every rejected token at once.
    /// Default: 30 seconds.
    /// </summary>
    public TimeSpan RejectedTokenCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how many distinct <see cref="TokenContext"/>s the provider caches. Past the limit the
    /// entries closest to expiry are evicted. Default: 10,000.
    /// </summary>
    public int MaxCachedContexts { get; set; } = 10_000;

    /// <summary>
    /// Gets or sets a value indicating whether this provider's refresh tokens may be used more than once. When
    /// <see langword="false"/> (the default) a refresh token is treated as single-use, as servers that rotate refresh
    /// tokens treat it: a refresh request is sent again only when the earlier attempt provably reached nobody (the
    /// connection could not be established), never after an attempt timeout, a 5xx answer or a dropped connection,
    /// because the server may already have spent it and issued a new one whose answer was lost. Set it to
    /// <see langword="true"/> for a server whose refresh tokens stay valid after use: refresh requests are then retried
    /// like any other token request. Authorization codes are never sent twice.
    /// </summary>
    public bool ReusableRefreshTokens { get; set; }
}
