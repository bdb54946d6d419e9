using StackExchange.Redis;

namespace TokenClients.RedisTests.Support;

/// <summary>
/// An application's own <see cref="ITokenLock"/> on Redis (<c>SET NX PX</c>, released only by its owner), for instances
/// that share tokens through <c>AddTokenClientsDistributedCache</c> without the rest of <c>AddTokenClientsRedis</c>.
/// </summary>
public sealed class RedisTestLock(IConnectionMultiplexer connection, string prefix) : ITokenLock
{
    private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
    {
        var database = connection.GetDatabase();
        RedisKey lockKey = prefix + "lock:" + key;
        var owner = Guid.NewGuid().ToString("N");
        return await database.StringSetAsync(lockKey, owner, lifetime, When.NotExists) ? new Lease(database, lockKey, owner) : null;
    }

    private sealed class Lease(IDatabase database, RedisKey key, string owner) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await database.ScriptEvaluateAsync(ReleaseScript, [key], [owner]);
    }
}
