using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.OAuth2;

/// <summary>
/// Authorization code with <c>state</c> and PKCE (S256) over any <see cref="IAuthorizationCodeTokenClient"/>:
/// the standard grant and JustLogin share it.
/// </summary>
internal sealed class AuthorizationCodeFlow(string providerName, IAuthorizationCodeTokenClient client, ITokenStore store, TimeProvider timeProvider, PendingSignIns pending, ILogger logger, TokenClientsMetrics metrics,
    Func<Caching.TokenProvider?>? providerOf = null) : IAuthorizationCodeFlow
{
    // providerOf: the provider whose in-memory tokens a sign-out drops, resolved when first needed.
    /// <summary>The longest <c>error</c> of a callback that reaches an exception message.</summary>
    internal const int MaxErrorLength = 100;

    /// <summary>The longest <c>error_description</c> of a callback that reaches an exception message.</summary>
    internal const int MaxErrorDescriptionLength = 300;

    public ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default) =>
        StartAsync(subject, null, cancellationToken);

    public async ValueTask<AuthorizationRequest> StartAsync(string subject, SignInParameters? parameters, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        parameters?.Validate();
        var now = timeProvider.GetUtcNow();
        var state = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
        string? verifier = null;
        string? challenge = null;
        if (client.UsePkce)
        {
            verifier = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
            challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        }

        var endpoint = await client.GetAuthorizeEndpointAsync(cancellationToken).ConfigureAwait(false);
        var url = new RequestUrl(endpoint.AbsoluteUri).CreateAuthorizeUrl(
            clientId: client.ClientId,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: parameters?.Scope ?? client.Scope,
            redirectUri: client.RedirectUri.AbsoluteUri,
            state: state,
            loginHint: parameters?.LoginHint,
            prompt: parameters?.Prompt,
            codeChallenge: challenge,
            codeChallengeMethod: challenge is null ? null : OidcConstants.CodeChallengeMethods.Sha256,
            extra: parameters is { Parameters.Count: > 0 } ? new Parameters(parameters.Parameters) : null);
        await pending.AddAsync(state, new PendingSignIn(subject, verifier, now + client.PendingSignInLifetime), cancellationToken).ConfigureAwait(false);
        return new AuthorizationRequest(new Uri(url), state);
    }

    public async Task<AuthorizationResult> CompleteAsync(Uri callbackUri, string expectedSubject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        ArgumentException.ThrowIfNullOrEmpty(expectedSubject);
        var query = HttpUtility.ParseQueryString(callbackUri.Query);
        var state = query["state"];
        if (string.IsNullOrEmpty(state) || await pending.TakeAsync(state, cancellationToken).ConfigureAwait(false) is not { } signIn)
        {
            throw new TokenRequestException(providerName, null, "invalid_state", null, "The callback's state matches no sign-in started here in the last few minutes; start the sign-in again");
        }

        // Login CSRF: a sign-in started by one user must not be completed in another user's session. Neither id is
        // logged or shown (personal data); the sign-in is used up either way.
        if (!string.Equals(signIn.Subject, expectedSubject, StringComparison.Ordinal))
        {
            Log.SignInSubjectMismatch(logger, providerName);
            throw SignInMismatchException.For(providerName);
        }

        if (query["error"] is { } error)
        {
            var description = query["error_description"] is { } text ? SanitizeErrorDescription(text) : "no description";
            throw new InteractionRequiredException(providerName, signIn.Subject, $"The sign-in was refused ({SanitizeError(error)}: {description}); the user must sign in again");
        }

        var code = query["code"];
        if (string.IsNullOrEmpty(code))
        {
            throw new TokenRequestException(providerName, null, "invalid_request", null, "The callback carries no authorization code");
        }

        var tokens = await TokenClientsDiagnostics.TraceTokenRequestAsync(metrics, providerName, "authorization_code", timeProvider,
            () => client.ExchangeCodeAsync(code, signIn.Verifier, cancellationToken)).ConfigureAwait(false);
        await store.SetAsync(providerName, signIn.Subject, tokens, CancellationToken.None).ConfigureAwait(false);
        return new AuthorizationResult(signIn.Subject, tokens);
    }

    public async Task<SignOutResult> SignOutAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);

        // Store first, memory next: a caller that misses the memory after this finds nothing stored. The set is removed by
        // compare-and-set, so the refresh token revoked below is the one removed, even when a refresh rotated it meanwhile.
        TokenSet? removed = null;
        for (var attempt = 0; attempt < 8 && removed is null; attempt++)
        {
            if (await store.GetAsync(providerName, subject, CancellationToken.None).ConfigureAwait(false) is not { } stored)
            {
                break;
            }

            removed = await store.TryRemoveAsync(providerName, subject, stored, CancellationToken.None).ConfigureAwait(false) ? stored : null;
        }

        if (removed is null)
        {
            // Nothing stored, or a set that kept changing under the tries: it goes unconditionally.
            await store.RemoveAsync(providerName, subject, CancellationToken.None).ConfigureAwait(false);
        }

        providerOf?.Invoke()?.ForgetSubject(subject);

        var result = await RevokeAsync(subject, removed?.RefreshToken, cancellationToken).ConfigureAwait(false);
        Safe.Log(logger, static (logger, state) => Log.SignedOut(logger, state.providerName, state.Revocation), (providerName, result.Revocation));
        return result;
    }

    private async Task<SignOutResult> RevokeAsync(string subject, string? refreshToken, CancellationToken cancellationToken)
    {
        if (refreshToken is null)
        {
            return new SignOutResult(subject, RevocationStatus.NothingToRevoke);
        }

        try
        {
            return new SignOutResult(subject, await client.RevokeRefreshTokenAsync(refreshToken, cancellationToken).ConfigureAwait(false)
                ? RevocationStatus.Revoked
                : RevocationStatus.NotSupported);
        }
        catch (TokenRequestException exception)
        {
            Safe.Log(logger, static (logger, state) => Log.RevocationFailed(logger, state.providerName, state.exception), (providerName, exception));
            return new SignOutResult(subject, RevocationStatus.Failed, exception);
        }
    }

    /// <summary>
    /// The callback's <c>error</c> as a message may carry it: the characters RFC 6749 allows in an error code
    /// (%x20-21 / %x23-5B / %x5D-7E), at most <see cref="MaxErrorLength"/> of them.
    /// </summary>
    internal static string SanitizeError(string error) =>
        Bound(error, MaxErrorLength, static c => c is >= '\x20' and <= '\x7E' and not '"' and not '\\') is { Length: > 0 } safe ? safe : "unnamed error";

    /// <summary>
    /// The callback's <c>error_description</c> as a message may carry it: no control, format or separator characters
    /// (no line breaks, no direction overrides), at most <see cref="MaxErrorDescriptionLength"/> characters.
    /// </summary>
    internal static string SanitizeErrorDescription(string description) =>
        Bound(description, MaxErrorDescriptionLength, static c => CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned));

    private static string Bound(string value, int maxLength, Func<char, bool> allowed)
    {
        var text = new StringBuilder(Math.Min(value.Length, maxLength));
        foreach (var c in value)
        {
            if (!allowed(c))
            {
                continue;
            }

            if (text.Length == maxLength)
            {
                text.Length = maxLength - 1;
                text.Append('\u2026');
                break;
            }

            text.Append(c);
        }

        return text.ToString();
    }
}
