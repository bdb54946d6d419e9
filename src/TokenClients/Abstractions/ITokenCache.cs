namespace TokenClients;

/// <summary>
/// A token cache shared by every instance of an application: the second level behind each provider's in-process
/// cache. Providers consult it only when their own cache has no usable token, and publish every token they obtain.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe and must keep token sets confidential (encrypted at rest). Keys are opaque
/// hashes computed by the provider; they carry no secret, user name or client id. An entry that cannot be read back
/// (tampered, written with another key, damaged) is answered as <see langword="null"/>, a miss. A failure to reach
/// the cache may throw: the provider then works as a single instance for a while and never fails a request for it.
/// </remarks>
public interface ITokenCache
{
    /// <summary>Reads the token set cached under <paramref name="key"/>.</summary>
    /// <param name="key">The opaque key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token set, or <see langword="null"/> when none can be read.</returns>
    ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Caches a token set under <paramref name="key"/> until <paramref name="expiresAt"/>, replacing any previous one.</summary>
    /// <param name="key">The opaque key.</param>
    /// <param name="tokens">The token set.</param>
    /// <param name="expiresAt">When the entry stops being useful.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the token set is cached.</returns>
    ValueTask SetAsync(string key, TokenSet tokens, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);
}
