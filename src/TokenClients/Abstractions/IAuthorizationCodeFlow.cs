namespace TokenClients;

/// <summary>
/// Connects a user account through the authorization-code flow (with <c>state</c> and PKCE): builds the
/// authorize URL, completes the callback, and stores the token set for the subject in the <see cref="ITokenStore"/>.
/// Registered as a keyed service under the provider name.
/// </summary>
/// <remarks>Thread-safe. Pending sign-ins expire after <see cref="AuthorizationCodeOptions.PendingSignInLifetime"/>.</remarks>
public interface IAuthorizationCodeFlow
{
    /// <summary>Starts a sign-in for <paramref name="subject"/>: returns the URL to send the user's browser to.</summary>
    /// <param name="subject">The account the resulting tokens will belong to.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The authorize URL and the <c>state</c> it carries.</returns>
    ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes a sign-in from the callback URL the browser was redirected to: checks <c>state</c>,
    /// exchanges the code (with the PKCE verifier) and stores the token set for the subject.
    /// </summary>
    /// <param name="callbackUri">The full callback URL, with <c>code</c> and <c>state</c> (or <c>error</c>) in its query.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The subject and its new token set.</returns>
    /// <exception cref="TokenRequestException">The callback carried an error, an unknown or expired state, or the code exchange failed.</exception>
    Task<AuthorizationResult> CompleteAsync(Uri callbackUri, CancellationToken cancellationToken = default);
}

/// <summary>A started sign-in.</summary>
/// <param name="AuthorizeUri">Where to send the user's browser.</param>
/// <param name="State">The <c>state</c> value that the callback must return.</param>
public sealed record AuthorizationRequest(Uri AuthorizeUri, string State);

/// <summary>A completed sign-in.</summary>
/// <param name="Subject">The account the tokens belong to.</param>
/// <param name="Tokens">The token set, also stored in the <see cref="ITokenStore"/>.</param>
public sealed record AuthorizationResult(string Subject, TokenSet Tokens);
