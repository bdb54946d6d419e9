namespace TokenClients;

/// <summary>
/// Keeps the token sets of connected user accounts (authorization-code flows), per provider and subject.
/// The provider writes every rotated refresh token here, so the newest one is never lost.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe. The default keeps token sets in memory; a durable store shared by every
/// instance (<c>AddTokenClientsDistributedCache</c>, <c>AddTokenClientsRedis</c>) keeps signed-in users across restarts.
/// A store shared by many instances should implement <see cref="TryReplaceAsync"/> and <see cref="TryRemoveAsync"/>
/// atomically: when two instances refresh the same user at once, the first rotated refresh token written wins and
/// the other instance reads it instead of keeping a consumed one.
/// </remarks>
public interface ITokenStore
{
    /// <summary>Reads the token set stored for a subject.</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The token set, or <see langword="null"/> when none is stored.</returns>
    ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default);

    /// <summary>Stores the token set for a subject, replacing any previous one.</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="tokens">The token set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the token set is stored.</returns>
    ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default);

    /// <summary>Removes the token set stored for a subject (the user disconnected, or its refresh token died).</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the token set is removed.</returns>
    ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the token set stored for a subject only when it is still <paramref name="expected"/> (compared by access
    /// and refresh token): a compare-and-set.
    /// </summary>
    /// <remarks>
    /// The default implementation reads, compares and writes, which is not atomic; stores shared by many instances
    /// override it with an atomic operation.
    /// </remarks>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="expected">The token set read before, that <paramref name="replacement"/> supersedes.</param>
    /// <param name="replacement">The new token set.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when replaced; <see langword="false"/> when the store held something else.</returns>
    async ValueTask<bool> TryReplaceAsync(string providerName, string subject, TokenSet expected, TokenSet replacement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var current = await GetAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        if (!TokenSetIdentity.Same(current, expected))
        {
            return false;
        }

        await SetAsync(providerName, subject, replacement, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Removes the token set stored for a subject only when it is still <paramref name="expected"/> (compared by access and refresh token).</summary>
    /// <remarks>The default implementation reads, compares and removes, which is not atomic.</remarks>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="expected">The token set read before.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when removed; <see langword="false"/> when the store held something else.</returns>
    async ValueTask<bool> TryRemoveAsync(string providerName, string subject, TokenSet expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var current = await GetAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        if (!TokenSetIdentity.Same(current, expected))
        {
            return false;
        }

        await RemoveAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
