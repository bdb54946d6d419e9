namespace TokenClients;

/// <summary>
/// Supplies valid access tokens for one registered provider name, from cache whenever it can.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Concurrent callers for the same <see cref="TokenContext"/> share one token request
/// (single-flight); a caller that cancels stops waiting without cancelling the shared request.</para>
/// <para>Inside the refresh window before expiry, callers get the current token at once while one
/// background refresh runs; callers wait only when no valid token exists.</para>
/// Obtain one with <c>GetRequiredKeyedService&lt;ITokenProvider&gt;(name)</c>.
/// </remarks>
public interface ITokenProvider
{
    /// <summary>Gets the name the provider was registered under.</summary>
    string Name { get; }

    /// <summary>Returns a valid access token for <paramref name="context"/>.</summary>
    /// <param name="context">Whose token and with which scope; <see langword="null"/> for the provider's defaults.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    /// <returns>A token that is valid now. The returned task completes synchronously on a cache hit.</returns>
    /// <exception cref="TokenRequestException">No token could be obtained.</exception>
    /// <exception cref="InteractionRequiredException">A person must sign in again.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">
    /// A configuration mistake only code can fix: a provider of signed-in users asked without
    /// <see cref="TokenContext.Subject"/>, or a custom endpoint whose bearer-token provider is not registered.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The provider was disposed with its service provider.</exception>
    ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops <paramref name="token"/> after an API rejected it. Only that exact token is dropped: when
    /// another caller already replaced it with a newer one, the newer one stays.
    /// </summary>
    /// <param name="token">The token the API rejected.</param>
    /// <param name="context">The context the token was obtained for.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the token is dropped.</returns>
    ValueTask InvalidateAsync(AccessToken token, TokenContext? context = null, CancellationToken cancellationToken = default);
}
