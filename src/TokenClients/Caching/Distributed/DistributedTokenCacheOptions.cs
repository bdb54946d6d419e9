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
    /// Gets or sets how long a fetch lock holds at most. It outlasts a token request with all its retries (the standard
    /// resilience pipeline gives up after 30 seconds), so a slow fetch keeps the lock to the end; a holder that crashed
    /// delays the others only by <see cref="LockWait"/>, after which they fetch themselves. Default: 35 seconds.
    /// </summary>
    public TimeSpan LockLifetime { get; set; } = TimeSpan.FromSeconds(35);

    /// <summary>
    /// Gets or sets how long an instance waits for the lock holder's token before it asks the token endpoint itself.
    /// Default: 5 seconds.
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
