namespace TokenClients;

/// <summary>
/// Connects a user account through the authorization-code flow (with <c>state</c> and PKCE): builds the
/// authorize URL, completes the callback, and stores the token set for the subject in the <see cref="ITokenStore"/>.
/// Registered as a keyed service under the provider name.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. Each sign-in is redeemable exactly once: of two callbacks carrying one <c>state</c>, at most one
/// exchanges the code. Pending sign-ins expire after <see cref="AuthorizationCodeOptions.PendingSignInLifetime"/>;
/// at most <see cref="AuthorizationCodeOptions.MaxPendingSignIns"/> started on one instance wait at once, and past
/// that the oldest is dropped (its callback then fails as an unknown <c>state</c>).
/// </para>
/// <para>
/// Pending sign-ins live in the memory of the instance that started them, so the callback must reach that instance,
/// unless a shared cache and an <see cref="ITokenLock"/> are registered (<c>AddTokenClientsRedis</c>): then they are
/// kept in the shared cache, encrypted, and the lock makes their redemption single-use across instances. A shared
/// cache without a lock (<c>AddTokenClientsDistributedCache</c> alone) offers no atomic take, so it is not used for
/// pending sign-ins.
/// </para>
/// <para>
/// Bind each sign-in to the browser that started it: keep the returned <see cref="AuthorizationRequest.State"/> (or a
/// hash of it) in the user's session or an anti-forgery-protected cookie, compare it with the callback's <c>state</c>,
/// and pass the signed-in user of your application as the expected subject of <see cref="CompleteAsync"/>.
/// </para>
/// </remarks>
public interface IAuthorizationCodeFlow
{
    /// <summary>Starts a sign-in for <paramref name="subject"/>: returns the URL to send the user's browser to.</summary>
    /// <param name="subject">The account the resulting tokens will belong to: the signed-in user of your application.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The authorize URL and the <c>state</c> it carries.</returns>
    ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a sign-in for <paramref name="subject"/> with per-sign-in extras (<c>login_hint</c>, <c>prompt</c>, a scope,
    /// further authorize parameters): returns the URL to send the user's browser to.
    /// </summary>
    /// <remarks>
    /// The library's flows support every extra. The default implementation, for flows written before this overload,
    /// starts a plain sign-in when <paramref name="parameters"/> sets nothing and throws <see cref="NotSupportedException"/> otherwise.
    /// </remarks>
    /// <param name="subject">The account the resulting tokens will belong to: the signed-in user of your application.</param>
    /// <param name="parameters">The extras; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The authorize URL and the <c>state</c> it carries.</returns>
    /// <exception cref="ArgumentException">An extra would set or override a protocol parameter (<c>state</c>, <c>code_challenge</c>, <c>redirect_uri</c>, <c>client_id</c>, <c>response_type</c>, …).</exception>
    ValueTask<AuthorizationRequest> StartAsync(string subject, SignInParameters? parameters, CancellationToken cancellationToken = default)
    {
        parameters?.Validate();
        return parameters is null || parameters.IsEmpty
            ? StartAsync(subject, cancellationToken)
            : throw new NotSupportedException($"{GetType().Name} does not support per-sign-in extras.");
    }

    /// <summary>
    /// Completes a sign-in from the callback URL the browser was redirected to: checks <c>state</c> and that the
    /// sign-in was started for <paramref name="expectedSubject"/>, exchanges the code (with the PKCE verifier) and
    /// stores the token set for the subject. The sign-in is used up whatever the outcome.
    /// </summary>
    /// <param name="callbackUri">The full callback URL, with <c>code</c> and <c>state</c> (or <c>error</c>) in its query.</param>
    /// <param name="expectedSubject">
    /// The user the callback must belong to: the signed-in user of your application who receives the callback, never a
    /// value taken from the callback. A sign-in started for another user is refused, so nobody can make a victim's
    /// browser complete a sign-in to the attacker's account (login CSRF).
    /// </param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The subject and its new token set.</returns>
    /// <exception cref="SignInMismatchException">The callback belongs to a sign-in started for another user.</exception>
    /// <exception cref="InteractionRequiredException">The authorization server refused the sign-in (the callback carries <c>error</c>).</exception>
    /// <exception cref="TokenRequestException">
    /// The callback carried an unknown, expired or already redeemed state, the shared lock that keeps sign-ins
    /// single-use could not be reached, or the code exchange failed.
    /// </exception>
    Task<AuthorizationResult> CompleteAsync(Uri callbackUri, string expectedSubject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Signs <paramref name="subject"/> out: removes the stored token set (from the <see cref="ITokenStore"/>, shared
    /// one included) and every token of the subject this instance's provider holds in memory, so this instance starts no
    /// request with the user's token after this returns (a refresh in flight hands nothing out and writes nothing back;
    /// other instances keep an access token they hold until it expires); then revokes the removed refresh
    /// token at the server (RFC 7009) when a revocation endpoint is configured or discovered.
    /// </summary>
    /// <remarks>
    /// The local sign-out always happens. A revocation that fails (the endpoint is down, or refuses the request) does not
    /// throw: the result says so and carries the error, and the caller decides whether to tell the user or try again
    /// later with the server's own tools.
    /// </remarks>
    /// <param name="subject">The account to sign out.</param>
    /// <param name="cancellationToken">Cancels the revocation request; the local sign-out is not undone.</param>
    /// <returns>What happened at the server.</returns>
    Task<SignOutResult> SignOutAsync(string subject, CancellationToken cancellationToken = default);
}

/// <summary>What a sign-out did at the authorization server.</summary>
public enum RevocationStatus
{
    /// <summary>The server accepted the revocation of the refresh token.</summary>
    Revoked,

    /// <summary>Nothing to revoke: no token set was stored for the subject, or it held no refresh token.</summary>
    NothingToRevoke,

    /// <summary>The provider has no revocation endpoint (none configured, none in the discovery document).</summary>
    NotSupported,

    /// <summary>The revocation request failed; the refresh token may still be valid at the server.</summary>
    Failed,
}

/// <summary>A completed sign-out: always done locally; <see cref="Revocation"/> says what the server did.</summary>
/// <param name="Subject">The account signed out.</param>
/// <param name="Revocation">What happened at the server.</param>
/// <param name="RevocationError">Why the revocation failed, when <see cref="Revocation"/> is <see cref="RevocationStatus.Failed"/>; never carries a token.</param>
public sealed record SignOutResult(string Subject, RevocationStatus Revocation, TokenRequestException? RevocationError = null);

/// <summary>A started sign-in.</summary>
/// <param name="AuthorizeUri">Where to send the user's browser.</param>
/// <param name="State">The <c>state</c> value that the callback must return; keep it (or its hash) in the user's session to check the callback.</param>
public sealed record AuthorizationRequest(Uri AuthorizeUri, string State);

/// <summary>A completed sign-in.</summary>
/// <param name="Subject">The account the tokens belong to.</param>
/// <param name="Tokens">The token set, also stored in the <see cref="ITokenStore"/>.</param>
public sealed record AuthorizationResult(string Subject, TokenSet Tokens);
