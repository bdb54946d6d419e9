namespace TokenClients;

/// <summary>How providers share tokens across the instances of an application (<c>AddTokenClientsDistributedCache</c>, <c>AddTokenClientsRedis</c>).</summary>
public sealed class DistributedTokenCacheOptions
{
    /// <summary>
    /// Gets or sets the prefix of every key written to the shared cache, lock and store. Instances that share tokens use
    /// the same prefix; give each application its own when several share one Redis. Default: <c>tokenclients:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "tokenclients:";

    /// <summary>
    /// Gets or sets the secret that keys every shared key (HMAC-SHA256), so that reading the shared cache does not tell
    /// which provider or user an entry belongs to: base64 of at least 32 bytes, or a text of at least 32 bytes in UTF-8.
    /// Every instance sharing tokens must use the same one, and keep it for as long as stored user token sets must be
    /// found (a new secret means every user signs in again). When not set, a random secret is created once and kept in the
    /// shared cache, encrypted with Data Protection. Never logged.
    /// </summary>
    public string? KeySecret { get; set; }

    /// <summary>
    /// Gets or sets how long a fetch lock holds at most. It must outlast the token endpoint's total timeout (the token
    /// request with all its retries, 45 seconds in the standard pipeline): the holder's fetch is cancelled a margin before
    /// the lock expires (a tenth of the lifetime, at most 5 seconds), so no other instance ever takes the lock, and with it
    /// a one-time credential such as a rotating refresh token, while the holder's request may still be in flight.
    /// Default: 60 seconds.
    /// </summary>
    public TimeSpan LockLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets how long an instance waits for the lock holder's token before it asks the token endpoint itself, for
    /// requests that can be repeated safely (client credentials, password). A refresh with a one-time credential (the
    /// rotating refresh token of a signed-in user) never gives up this way: it waits until the holder publishes, or
    /// releases the lock, or its lock expires. Default: 5 seconds.
    /// </summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how often a waiting instance looks for the lock holder's token. Default: 50 milliseconds.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Gets or sets how long the shared cache and lock are left aside after they could not be reached; meanwhile each
    /// instance works alone (its own cache, its own token requests). Default: 5 seconds.
    /// </summary>
    public TimeSpan UnavailableBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
