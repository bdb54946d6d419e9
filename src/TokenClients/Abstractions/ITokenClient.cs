namespace TokenClients;

/// <summary>
/// Talks to one token endpoint: builds the request, parses the response and maps errors.
/// A token client holds no cache and no clock beyond stamping <see cref="TokenSet.ExpiresAt"/>;
/// caching, single-flight and refresh policy live in <see cref="ITokenProvider"/>.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently: the provider calls them from many threads,
/// though never twice at once for the same <see cref="TokenContext"/>.
/// </remarks>
public interface ITokenClient
{
    /// <summary>
    /// Gets a value indicating whether <see cref="RefreshTokenAsync"/> is supported.
    /// A client that returns <see langword="false"/> is asked for a new token set instead.
    /// </summary>
    bool CanRefresh { get; }

    /// <summary>
    /// Gets a value indicating whether a new token set can only be obtained with a person's help
    /// (an authorization-code flow). For such clients the provider takes token sets from the
    /// <see cref="ITokenStore"/> and <see cref="RequestTokenAsync"/> throws <see cref="InteractionRequiredException"/>.
    /// </summary>
    bool RequiresInteraction { get; }

    /// <summary>Acquires a new token set from the token endpoint.</summary>
    /// <param name="context">Per-call inputs: subject, scope, resource and extra parameters.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token set the endpoint issued.</returns>
    /// <exception cref="TokenRequestException">The endpoint refused the request or could not be reached.</exception>
    /// <exception cref="InteractionRequiredException">Only a person can obtain a token set for this client.</exception>
    Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Refreshes <paramref name="current"/>, the token set the provider holds, with its refresh token. A client whose
    /// endpoint wants more of the set on a refresh reads it from there (JustLogin also sends the access token).
    /// </summary>
    /// <param name="current">The token set to refresh; it carries a refresh token.</param>
    /// <param name="context">Per-call inputs.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new token set. When the endpoint does not return a refresh token, the provider keeps the old one.</returns>
    /// <exception cref="TokenRequestException">The endpoint refused the refresh token or could not be reached.</exception>
    /// <exception cref="NotSupportedException"><see cref="CanRefresh"/> is <see langword="false"/>.</exception>
    Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken);
}
