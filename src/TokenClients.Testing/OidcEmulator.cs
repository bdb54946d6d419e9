using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TokenClients.Testing;

/// <summary>Settings of an emulator with the authorization-code flow.</summary>
public class OidcEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets the whitelisted callback URLs. Default: <c>http://127.0.0.1/callback</c>.</summary>
    public IList<Uri> RedirectUris { get; } = [new("http://127.0.0.1/callback")];

    /// <summary>Gets or sets the user whose consent the authorize endpoint gives automatically. Default: <c>alice</c>.</summary>
    public string AutoApproveUser { get; set; } = "alice";

    /// <summary>Gets or sets how long an authorization code stays redeemable. Default: 60 seconds.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets a value indicating whether the authorize endpoint asks a person: it shows a sign-in and consent page
    /// where a user of <see cref="EmulatorOptions.Users"/> enters their password and allows the access, and the code
    /// is issued for that user. Default: <see langword="false"/> (consent is given at once for <see cref="AutoApproveUser"/>).
    /// </summary>
    public bool ConsentPage { get; set; }
}

/// <summary>
/// An OpenID Connect server's authorize and token endpoints: authorization code (single use, expiring, bound to the
/// redirect URI and the PKCE challenge) and refresh tokens. Subclasses add grants and client authentication rules.
/// </summary>
public abstract partial class OidcEmulator : TokenEndpointEmulator
{
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OidcEmulator"/> class.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="defaultAccessTokenLifetime">The documented access token lifetime.</param>
    protected OidcEmulator(OidcEmulatorOptions options, TimeSpan defaultAccessTokenLifetime)
        : base(options, defaultAccessTokenLifetime)
    {
        OidcOptions = options;
    }

    /// <summary>Gets the authorize endpoint.</summary>
    public abstract Uri AuthorizeEndpoint { get; }

    /// <summary>Gets the settings.</summary>
    protected OidcEmulatorOptions OidcOptions { get; }

    /// <summary>
    /// Plays the browser: opens the authorize URL (consent is given automatically for
    /// <see cref="OidcEmulatorOptions.AutoApproveUser"/>) and returns the callback URL it redirects to.
    /// </summary>
    /// <param name="authorizeUri">The authorize URL the application built.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The callback URL with <c>code</c> and <c>state</c>.</returns>
    /// <exception cref="ArgumentException">The URL is not this emulator's authorize endpoint.</exception>
    /// <exception cref="InvalidOperationException">The authorize endpoint refused the request.</exception>
    public async Task<Uri> ApproveAsync(Uri authorizeUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorizeUri);
        if (Uri.Compare(authorizeUri, AuthorizeEndpoint, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new ArgumentException($"The URL is not this emulator's authorize endpoint ({AuthorizeEndpoint}).", nameof(authorizeUri));
        }

        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false };
        using var browser = new HttpClient(handler);
        using var response = await browser.GetAsync(authorizeUri, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location is { } location
            ? location
            : throw new InvalidOperationException($"The authorize endpoint answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
    }

    /// <summary>Maps the authorize endpoint at <paramref name="path"/>.</summary>
    /// <param name="app">The application.</param>
    /// <param name="path">The path.</param>
    protected void MapAuthorizeEndpoint(WebApplication app, string path)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet(path, async context =>
        {
            if (AuthorizeRequestError(context.Request.Query) is { } error)
            {
                // Never redirect to an unregistered callback (RFC 6749 section 4.1.2.1): answer the browser directly.
                await RecordAsync(context, 400).ConfigureAwait(false);
                context.Response.StatusCode = 400;
                await context.Response.WriteAsync(error, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (OidcOptions.ConsentPage)
            {
                await RecordAsync(context, 200).ConfigureAwait(false);
                await WriteConsentPageAsync(context, error: null).ConfigureAwait(false);
                return;
            }

            await RecordAsync(context, 302).ConfigureAwait(false);
            RedirectWithCode(context, OidcOptions.AutoApproveUser);
        });
        MapConsentEndpoint(app, path);
    }

    /// <summary>Redeems an authorization code: single use, not expired, same redirect URI, matching PKCE verifier.</summary>
    /// <param name="form">The token request's form.</param>
    /// <param name="tokenType">The token type to answer.</param>
    /// <returns>The answer.</returns>
    protected EmulatorResponse RedeemCode(IReadOnlyDictionary<string, string> form, string tokenType = "Bearer")
    {
        ArgumentNullException.ThrowIfNull(form);
        if (form.GetValueOrDefault("code") is not { } code || !_codes.TryRemove(code, out var pending) || pending.ExpiresAt <= Time.GetUtcNow())
        {
            return ErrorAnswer(400, "invalid_grant", "The code is unknown, used or expired");
        }

        if (form.GetValueOrDefault("redirect_uri") != pending.RedirectUri)
        {
            return ErrorAnswer(400, "invalid_grant", "redirect_uri does not match the authorize request");
        }

        if (pending.Challenge.Length > 0 && !VerifierMatches(form.GetValueOrDefault("code_verifier"), pending))
        {
            return ErrorAnswer(400, "invalid_grant", "The PKCE code_verifier does not match");
        }

        var issued = Issue(pending.Subject, Options.ClientId, withRefreshToken: true, scope: pending.Scope);
        return TokenAnswer(issued with { IdentityToken = SignedIdToken(issued, pending.Nonce) }, "authorization_code", tokenType, withIdToken: true);
    }

    /// <summary>Redeems a refresh token: with rotation a new one replaces it, without rotation the answer carries none and the old one stays valid.</summary>
    /// <param name="form">The token request's form.</param>
    /// <param name="tokenType">The token type to answer.</param>
    /// <returns>The answer.</returns>
    protected EmulatorResponse RedeemRefresh(IReadOnlyDictionary<string, string> form, string tokenType = "Bearer")
    {
        ArgumentNullException.ThrowIfNull(form);
        return RedeemRefreshToken(form.GetValueOrDefault("refresh_token"), Options.ClientId) is { } issued
            ? TokenAnswer(Issue(issued.Subject, Options.ClientId, withRefreshToken: Options.RotateRefreshTokens, scope: issued.Scope, kind: issued.Kind), "refresh_token", tokenType, withIdToken: false)
            : ErrorAnswer(400, "invalid_grant", "The refresh token is invalid, expired or already used");
    }

    /// <summary>The answer to a granted token request; the standard shape (<see cref="Tokens"/>) unless a subclass shapes it otherwise.</summary>
    /// <param name="issued">The tokens.</param>
    /// <param name="grant">The grant served.</param>
    /// <param name="tokenType">The token type.</param>
    /// <param name="withIdToken">Whether to add an <c>id_token</c>.</param>
    /// <returns>The answer.</returns>
    protected virtual EmulatorResponse TokenAnswer(IssuedTokens issued, string grant, string tokenType, bool withIdToken) => Tokens(issued, grant, tokenType, withIdToken);

    /// <summary>The answer to a refused token request; the standard OAuth2 error unless a subclass shapes it otherwise.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="errorCode">The OAuth2 error code.</param>
    /// <param name="description">The description.</param>
    /// <returns>The answer.</returns>
    protected virtual EmulatorResponse ErrorAnswer(int statusCode, string errorCode, string description) => EmulatorResponse.OAuthError(statusCode, errorCode, description);

    /// <summary>An unsigned ID token naming the subject (enough for a client that does not validate it).</summary>
    /// <param name="issued">The tokens.</param>
    /// <returns>The ID token.</returns>
    protected static string IdToken(IssuedTokens issued)
    {
        ArgumentNullException.ThrowIfNull(issued);
        var parts = issued.AccessToken.Split('.');
        if (parts.Length == 3)
        {
            return parts[0] + "." + parts[1] + ".";
        }

        // An opaque access token has no claims to copy.
        using var payload = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("sub", issued.Subject);
            json.WriteEndObject();
        }

        return System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"none"}"""u8) + "." + System.Buffers.Text.Base64Url.EncodeToString(payload.ToArray()) + ".";
    }

    /// <summary>The standard token answer (RFC 6749 section 5.1).</summary>
    /// <param name="issued">The tokens.</param>
    /// <param name="grant">The grant served.</param>
    /// <param name="tokenType">The token type.</param>
    /// <param name="withIdToken">Whether to add an <c>id_token</c>.</param>
    /// <returns>The answer.</returns>
    protected static EmulatorResponse Tokens(IssuedTokens issued, string grant, string tokenType = "Bearer", bool withIdToken = false)
    {
        ArgumentNullException.ThrowIfNull(issued);
        return EmulatorResponse.Json(200, json =>
        {
            json.WriteString("access_token", issued.AccessToken);
            json.WriteNumber("expires_in", issued.ExpiresIn);
            json.WriteString("token_type", tokenType);
            WriteOptionalFields(json, issued, withIdToken);
        }, grant);
    }

    /// <summary>Writes the refresh token, scope and (when asked) identity token of a token answer, each only when present.</summary>
    /// <param name="json">The answer being written.</param>
    /// <param name="issued">The tokens.</param>
    /// <param name="withIdToken">Whether to add an <c>id_token</c>.</param>
    protected static void WriteOptionalFields(Utf8JsonWriter json, IssuedTokens issued, bool withIdToken)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(issued);
        if (issued.RefreshToken is not null)
        {
            json.WriteString("refresh_token", issued.RefreshToken);
        }

        if (issued.Scope is { Length: > 0 } scope)
        {
            json.WriteString("scope", scope);
        }

        if (withIdToken)
        {
            json.WriteString("id_token", issued.IdentityToken ?? IdToken(issued));
        }
    }

    private static bool VerifierMatches(string? verifier, PendingCode pending)
    {
        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }

        var computed = pending.Method == "plain" ? verifier : System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(pending.Challenge));
    }

    private sealed record PendingCode(string Subject, string RedirectUri, string Scope, string Challenge, string Method, string? Nonce, DateTimeOffset ExpiresAt);
}
