namespace TokenClients;

/// <summary>
/// A short lock shared by every instance of an application, one per cache key: the instance that holds it asks
/// the token endpoint, the others wait a bounded time for the token to appear in the <see cref="ITokenCache"/>
/// (or the <see cref="ITokenStore"/>), so instances that miss the same key at once cause one token request.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe. A lock expires by itself after its lifetime, so a crashed holder never
/// blocks the others for longer; releasing it must remove only the holder's own lock. A failure to reach the lock
/// may throw: the provider then fetches by itself.
/// </remarks>
public interface ITokenLock
{
    /// <summary>Tries once to take the lock of <paramref name="key"/>.</summary>
    /// <param name="key">The opaque key.</param>
    /// <param name="lifetime">How long the lock holds at most when it is not released.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A lease that releases the lock when disposed, or <see langword="null"/> when another owner holds it.</returns>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default);
}
