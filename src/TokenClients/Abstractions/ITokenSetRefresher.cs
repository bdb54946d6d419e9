namespace TokenClients;

/// <summary>
/// A token client whose refresh request is built from the whole current token set, not only its refresh token: the
/// standard grants' clients, so a provider's <c>RefreshRequestHeaders</c> (JustLogin's Bearer access token) can use it.
/// The provider prefers it to <see cref="ITokenClient.RefreshTokenAsync"/>.
/// </summary>
internal interface ITokenSetRefresher
{
    /// <summary>Refreshes <paramref name="current"/> with its refresh token.</summary>
    /// <param name="current">The token set to refresh; it has a refresh token.</param>
    /// <param name="context">Whose token and which scope.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new token set.</returns>
    Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken);
}
