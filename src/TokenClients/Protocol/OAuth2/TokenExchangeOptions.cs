namespace TokenClients;

/// <summary>
/// Settings of the token exchange grant (RFC 8693): the provider trades a subject token, taken from another registered
/// provider or from the request's <see cref="TokenContext"/>, for a token of its own audience.
/// </summary>
public sealed class TokenExchangeOptions : OAuth2ClientOptions
{
    /// <summary>
    /// The name of the <see cref="TokenContext"/> parameter that carries the subject token when
    /// <see cref="SubjectTokenProvider"/> is not set (for example the token an incoming request carried). It is never
    /// sent as it is and never part of a cache key: the exchanged token is cached under a hash of it.
    /// </summary>
    public const string SubjectTokenParameter = "subject_token";

    /// <summary>
    /// Gets or sets the registered provider whose token is the subject token (resolved when first needed; a cycle of
    /// exchanges fails at start). A request's <see cref="TokenContext.Subject"/> is passed on to it, so the subject token of
    /// a signed-in user is that user's token. When not set, each request carries the subject token in its
    /// <see cref="TokenContext"/> under <see cref="SubjectTokenParameter"/>.
    /// </summary>
    public string? SubjectTokenProvider { get; set; }

    /// <summary>Gets or sets the <c>subject_token_type</c>. Default: <see cref="TokenTypeIdentifiers.AccessToken"/>.</summary>
    public string SubjectTokenType { get; set; } = TokenTypeIdentifiers.AccessToken;

    /// <summary>
    /// Gets or sets the registered provider whose token is sent as the <c>actor_token</c> (the party acting for the
    /// subject), with its default context; none when not set.
    /// </summary>
    public string? ActorTokenProvider { get; set; }

    /// <summary>Gets or sets the <c>actor_token_type</c>. Default: <see cref="TokenTypeIdentifiers.AccessToken"/>.</summary>
    public string ActorTokenType { get; set; } = TokenTypeIdentifiers.AccessToken;

    /// <summary>Gets or sets the <c>requested_token_type</c>; the server chooses when not set.</summary>
    public string? RequestedTokenType { get; set; }

    /// <summary>Gets or sets the <c>audience</c>: the logical name of the service the exchanged token is for.</summary>
    public string? Audience { get; set; }
}

/// <summary>The token type identifiers of RFC 8693 section 3.</summary>
public static class TokenTypeIdentifiers
{
    /// <summary>An OAuth 2.0 access token.</summary>
    public const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";

    /// <summary>An OAuth 2.0 refresh token.</summary>
    public const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";

    /// <summary>An OpenID Connect ID token.</summary>
    public const string IdToken = "urn:ietf:params:oauth:token-type:id_token";

    /// <summary>A JWT.</summary>
    public const string Jwt = "urn:ietf:params:oauth:token-type:jwt";
}
