using StackExchange.Redis;

namespace TokenClients.Redis;

/// <summary>
/// The shared backend on Redis (<see cref="ISharedTokenBackend"/>). Each entry is a hash: <c>d</c>, its bytes (encrypted by
/// TokenClients), and <c>v</c>, its version. Compare-and-set and compare-and-remove run as Lua scripts, so of two
/// instances that refreshed the same user at once exactly one writes, and the other reads the winner's set.
/// </summary>
internal sealed class RedisTokenBackend(RedisConnection redis) : ISharedTokenBackend
{
    private const string SetScript = """
        redis.call('HSET', KEYS[1], 'v', ARGV[1], 'd', ARGV[2])
        if ARGV[3] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PERSIST', KEYS[1]) end
        return 1
        """;

    private const string ReplaceScript = """
        if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
        if ARGV[4] ~= '0' then redis.call('PEXPIRE', KEYS[1], ARGV[4]) else redis.call('PERSIST', KEYS[1]) end
        return 1
        """;

    private const string RemoveScript = """
        if redis.call('HGET', KEYS[1], 'v') ~= ARGV[1] then
          return 0
        end
        return redis.call('DEL', KEYS[1])
        """;

    public async ValueTask<SharedTokenEntry?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await redis.Database.HashGetAsync(key, ["v", "d"]).ConfigureAwait(false);
        return values[1].IsNull ? null : new SharedTokenEntry(values[0].IsNull ? string.Empty : (string)values[0]!, (byte[])values[1]!);
    }

    public async ValueTask SetAsync(string key, SharedTokenEntry entry, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        cancellationToken.ThrowIfCancellationRequested();
        await redis.Database.ScriptEvaluateAsync(SetScript, [key], [entry.Version, entry.Data, Milliseconds(timeToLive)]).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryReplaceAsync(string key, string expectedVersion, SharedTokenEntry replacement, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        cancellationToken.ThrowIfCancellationRequested();
        var result = await redis.Database.ScriptEvaluateAsync(ReplaceScript, [key],
            [expectedVersion, replacement.Version, replacement.Data, Milliseconds(timeToLive)]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async ValueTask<bool> TryRemoveAsync(string key, string expectedVersion, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var result = await redis.Database.ScriptEvaluateAsync(RemoveScript, [key], [expectedVersion]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await redis.Database.KeyDeleteAsync(key).ConfigureAwait(false);
    }

    /// <summary>Milliseconds to keep an entry (rounded up), or 0 for until removed.</summary>
    private static long Milliseconds(TimeSpan? timeToLive) =>
        timeToLive is { } ttl && ttl > TimeSpan.Zero ? Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds)) : 0;
}
