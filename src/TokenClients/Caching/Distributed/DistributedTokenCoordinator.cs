using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// What every provider of a process shares to work as one fleet: the shared cache (<see cref="ITokenCache"/>), the
/// fetch lock (<see cref="ITokenLock"/>), and the outage state of both. A failure to reach them never fails a request:
/// it is logged once, and for <see cref="DistributedTokenCacheOptions.UnavailableBackoff"/> the providers work alone.
/// </summary>
/// <remarks>
/// Keys handed to this coordinator are unkeyed hashes built by <see cref="ContextKey"/> and <see cref="SubjectKey"/>;
/// they never leave the process as they are: the coordinator keys them with the shared secret
/// (<see cref="SharedTokenKeys"/>) before it reads the cache or takes the lock.
/// </remarks>
internal sealed partial class DistributedTokenCoordinator
{
    private readonly ITokenCache? _cache;
    private readonly ITokenLock? _lock;
    private readonly DistributedTokenCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SharedTokenKeys _keys;
    private long _unavailableUntilTicks;
    private int _unavailable;

    public DistributedTokenCoordinator(ITokenCache? cache, ITokenLock? tokenLock, IOptions<DistributedTokenCacheOptions> options, TimeProvider time, ILogger logger, SharedTokenKeys? keys = null)
    {
        _keys = keys ?? new SharedTokenKeys(null, null, null);
        _cache = cache;
        _lock = tokenLock;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>Gets a value indicating whether a shared cache is configured.</summary>
    public bool HasCache => _cache is not null;

    /// <summary>Gets a value indicating whether a fetch lock is configured.</summary>
    public bool HasLock => _lock is not null;

    /// <summary>How long before its lock expires a holder's fetch is cancelled: a tenth of the lifetime, at most 5 seconds.</summary>
    internal TimeSpan FetchBound => _options.LockLifetime - Min(TimeSpan.FromSeconds(5), _options.LockLifetime / 10);

    private bool Unavailable => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _unavailableUntilTicks);

    /// <summary>
    /// The key of a provider's token for a context: the provider, the context, and the configuration of its token client
    /// (client id, endpoint, grant, scope, resource, …; never a secret), so instances configured differently never serve
    /// each other's tokens.
    /// </summary>
    /// <param name="client">The provider's token client.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="context">The context.</param>
    /// <returns>The key to pass to <see cref="GetAsync"/>, <see cref="SetAsync"/> and <see cref="SingleFlightAsync(string, string, Func{CancellationToken, ValueTask{TokenSet?}}, Func{TokenSet, bool}, Func{CancellationToken, Task{TokenSet}}, Func{TokenSet, CancellationToken, ValueTask}?, bool, CancellationToken)"/>.</returns>
    public static string ContextKey(ITokenClient client, string provider, TokenContext context) =>
        TokenCacheKey.ForContext(provider, context, ConfigurationFingerprint.Of(client).Request);

    /// <summary>
    /// The key of the single flight of a provider's refreshes for a subject: the provider, the subject and what a refresh
    /// token is bound to (client id and token endpoint), not the scope; the same as the key of the subject's stored set.
    /// </summary>
    /// <param name="client">The provider's token client.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="subject">The subject.</param>
    /// <returns>The key to pass to <see cref="SingleFlightAsync(string, string, Func{CancellationToken, ValueTask{TokenSet?}}, Func{TokenSet, bool}, Func{CancellationToken, Task{TokenSet}}, Func{TokenSet, CancellationToken, ValueTask}?, bool, CancellationToken)"/>.</returns>
    public static string SubjectKey(ITokenClient client, string provider, string subject) =>
        TokenCacheKey.ForSubject(provider, subject, ConfigurationFingerprint.Of(client).Client);

    /// <summary>Reads the shared cache; a failure or an unreadable entry is a miss.</summary>
    public async ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache is null || Unavailable)
        {
            return null;
        }

        try
        {
            var tokens = await _cache.GetAsync(await _keys.KeyAsync(key, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            Succeeded();
            return tokens;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
            return null;
        }
    }

    /// <summary>Publishes a token set to the shared cache until it expires; a failure is logged, never thrown.</summary>
    public async ValueTask SetAsync(string key, TokenSet tokens, CancellationToken cancellationToken)
    {
        if (_cache is null || Unavailable)
        {
            return;
        }

        try
        {
            await _cache.SetAsync(await _keys.KeyAsync(key, cancellationToken).ConfigureAwait(false), tokens, tokens.ExpiresAt, cancellationToken).ConfigureAwait(false);
            Succeeded();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Failed(exception);
        }
    }

    private void Failed(Exception exception)
    {
        Volatile.Write(ref _unavailableUntilTicks, (_time.GetUtcNow() + _options.UnavailableBackoff).UtcTicks);
        if (Interlocked.Exchange(ref _unavailable, 1) == 0)
        {
            Log.SharedCacheUnavailable(_logger, _options.UnavailableBackoff, exception);
        }
    }

    private void Succeeded()
    {
        if (Volatile.Read(ref _unavailable) == 1 && Interlocked.Exchange(ref _unavailable, 0) == 1)
        {
            Log.SharedCacheRestored(_logger);
        }
    }
}
