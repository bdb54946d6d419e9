namespace TokenClients;

/// <summary>
/// Keeps the token sets of connected user accounts (authorization-code flows), per provider and subject.
/// The provider writes every rotated refresh token here, so the newest one is never lost.
/// </summary>
/// <remarks>Implementations must be thread-safe. The default keeps token sets in memory.</remarks>
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
}
