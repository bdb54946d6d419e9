using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace TokenClients.Redis;

/// <summary>
/// A durable <see cref="ITokenStore"/> on Redis. Each entry is a hash: <c>d</c>, the token set encrypted with Data
/// Protection and bound to its key, and <c>v</c>, its version (a hash of its tokens). Compare-and-set and
/// compare-and-remove run as Lua scripts, so of two instances that refreshed the same user at once exactly one
/// writes, and the other reads the winner's set. Entries are found by the keys of <see cref="SharedTokenKeys"/>, the
/// same keyed scheme as the shared cache and lock.
/// </summary>
internal sealed partial class RedisTokenStore(RedisConnection redis, TokenSetProtector protector, SharedTokenKeys keys, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger<RedisTokenStore> logger) : ITokenStore
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

    private readonly string _prefix = options.Value.KeyPrefix + "store:";

    public async ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        var data = (byte[]?)await redis.Database.HashGetAsync(key, "d").ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        var tokens = protector.Unprotect(data, key);
        if (tokens is null)
        {
            LogUnreadable(logger);
        }

        return tokens;
    }

    public async ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        cancellationToken.ThrowIfCancellationRequested();
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        await redis.Database.ScriptEvaluateAsync(SetScript, [key], [Version(tokens), protector.Protect(tokens, key), TimeToLive(tokens)]).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await redis.Database.KeyDeleteAsync(await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryReplaceAsync(string providerName, string subject, TokenSet expected, TokenSet replacement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        cancellationToken.ThrowIfCancellationRequested();
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        var result = await redis.Database.ScriptEvaluateAsync(ReplaceScript, [key],
            [Version(expected), Version(replacement), protector.Protect(replacement, key), TimeToLive(replacement)]).ConfigureAwait(false);
        return (long)result == 1;
    }

    public async ValueTask<bool> TryRemoveAsync(string providerName, string subject, TokenSet expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        cancellationToken.ThrowIfCancellationRequested();
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        var result = await redis.Database.ScriptEvaluateAsync(RemoveScript, [key], [Version(expected)]).ConfigureAwait(false);
        return (long)result == 1;
    }

    /// <summary>The version of a token set: a hash of its tokens, never the tokens themselves.</summary>
    private static string Version(TokenSet tokens) => TokenCacheKey.Hash("version", tokens.AccessToken, tokens.RefreshToken);

    [LoggerMessage(1, LogLevel.Warning, "A stored token set in Redis could not be decrypted or verified (tampered, or protected with a Data Protection key ring this instance does not share); treated as missing.")]
    private static partial void LogUnreadable(ILogger logger);

    private async ValueTask<string> KeyAsync(string providerName, string subject, CancellationToken cancellationToken) =>
        _prefix + await keys.ForSubjectAsync(providerName, subject, cancellationToken).ConfigureAwait(false);

    /// <summary>Milliseconds the set is worth keeping (while its refresh token lives), or 0 for until removed.</summary>
    private long TimeToLive(TokenSet tokens)
    {
        var now = time.GetUtcNow();
        return tokens.RefreshTokenExpiresAt is { } end && end > tokens.ExpiresAt && end > now
            ? (long)Math.Ceiling((end - now).TotalMilliseconds)
            : 0;
    }
}
