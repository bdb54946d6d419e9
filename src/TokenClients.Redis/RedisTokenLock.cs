using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TokenClients.Redis;

/// <summary>
/// The fetch lock on Redis: <c>SET key owner NX PX lifetime</c> takes it; a Lua compare-and-delete releases it, so an
/// owner whose lock already expired never removes the next owner's. The keys it is given are already keyed with the
/// shared secret by the coordinator and the stores.
/// </summary>
internal sealed class RedisTokenLock(RedisConnection redis, IOptions<DistributedTokenCacheOptions> options) : ITokenLock
{
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly string _prefix = options.Value.KeyPrefix + "lock:";

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        cancellationToken.ThrowIfCancellationRequested();
        var database = redis.Database;
        RedisKey lockKey = _prefix + key;
        var owner = Guid.NewGuid().ToString("N");
        var taken = await database.StringSetAsync(lockKey, owner, lifetime, When.NotExists).ConfigureAwait(false);
        return taken ? new Lease(database, lockKey, owner) : null;
    }

    private sealed class Lease(IDatabase database, RedisKey key, string owner) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await database.ScriptEvaluateAsync(ReleaseScript, [key], [owner]).ConfigureAwait(false);
            }
        }
    }
}
