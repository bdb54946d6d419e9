namespace TokenClients.Testing;

/// <summary>Where the standard OAuth2 emulator reads token request parameters from.</summary>
[Flags]
public enum EmulatorRequestEncodings
{
    /// <summary>Nowhere: every token request is refused.</summary>
    None = 0,

    /// <summary>An <c>application/x-www-form-urlencoded</c> body (the standard).</summary>
    Form = 1,

    /// <summary>A JSON object body (<c>application/json</c>).</summary>
    Json = 2,

    /// <summary>The query string.</summary>
    Query = 4,
}

/// <summary>How the standard OAuth2 emulator writes the access token's expiry.</summary>
public enum EmulatorExpiryFormat
{
    /// <summary>Seconds from now as a number (<c>"expires_in": 3600</c>, the standard).</summary>
    Seconds,

    /// <summary>Seconds from now as a string (<c>"expires_in": "3600"</c>).</summary>
    SecondsAsString,

    /// <summary>The absolute expiry in Unix seconds.</summary>
    UnixTimeSeconds,

    /// <summary>The absolute expiry as an ISO 8601 string.</summary>
    DateTime,

    /// <summary>No expiry field: the JWT's <c>exp</c> claim is the only expiry.</summary>
    Absent,
}

/// <summary>How the standard OAuth2 emulator shapes its error answers.</summary>
public enum EmulatorErrorShape
{
    /// <summary><c>{"error": …, "error_description": …}</c> (RFC 6749 section 5.2).</summary>
    OAuth,

    /// <summary><c>{"description": …}</c> only, without an error code.</summary>
    Description,
}

/// <summary>
/// Settings of the <see cref="StandardOAuth2Emulator"/>. The defaults are a standard OAuth2 server; the shaping settings
/// make it answer like the non-standard endpoints that TokenClients' custom endpoint options describe.
/// </summary>
public sealed class StandardOAuth2EmulatorOptions : OidcEmulatorOptions
{
    /// <summary>Gets or sets where token request parameters are read from. Default: <see cref="EmulatorRequestEncodings.Form"/>.</summary>
    public EmulatorRequestEncodings AcceptedEncodings { get; set; } = EmulatorRequestEncodings.Form;

    /// <summary>
    /// Gets the names the endpoint expects instead of the standard ones, keyed by the standard name (for example
    /// <c>client_id</c> → <c>clientId</c>, <c>grant_type</c> → <c>grantType</c>). A renamed parameter is not accepted
    /// under its standard name.
    /// </summary>
    public IDictionary<string, string> ParameterNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the dot-separated path the token object is wrapped in (<c>data</c> answers <c>{"data": {…}}</c>); <see langword="null"/> for the root.</summary>
    public string? TokenPath { get; set; }

    /// <summary>Gets or sets the name of the expiry field. Default: <c>expires_in</c>.</summary>
    public string ExpiryField { get; set; } = "expires_in";

    /// <summary>Gets or sets how the expiry is written. Default: <see cref="EmulatorExpiryFormat.Seconds"/>.</summary>
    public EmulatorExpiryFormat ExpiryFormat { get; set; } = EmulatorExpiryFormat.Seconds;

    /// <summary>Gets or sets the shape of error answers. Default: <see cref="EmulatorErrorShape.OAuth"/>.</summary>
    public EmulatorErrorShape ErrorShape { get; set; } = EmulatorErrorShape.OAuth;

    /// <summary>
    /// Gets or sets a check of the <c>Authorization: Bearer</c> token that password grant requests must carry, for a
    /// two-stage endpoint whose user tokens are requested with another token (for example another emulator's
    /// <see cref="TokenEndpointEmulator.IsLive"/>); <see langword="null"/> requires none. The client then authenticates
    /// in the parameters.
    /// </summary>
    public Func<string, bool>? BearerTokenValidator { get; set; }

    /// <summary>
    /// Gets or sets the client's public key (ECDsa P-256 for ES256 or RSA for RS256). When set, the client authenticates
    /// with <c>private_key_jwt</c> only: a signed assertion whose <c>iss</c> and <c>sub</c> are the client id, whose
    /// <c>aud</c> is the token endpoint or the issuer, unexpired and never used before; a client secret is refused.
    /// </summary>
    public System.Security.Cryptography.AsymmetricAlgorithm? ClientAssertionKey { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the server requires DPoP (RFC 9449): each token request must carry a valid
    /// proof, the tokens are issued as <c>DPoP</c> bound to its key, and the API accepts them only with a proof of that
    /// key. Default: <see langword="false"/>.
    /// </summary>
    public bool RequireDPoP { get; set; }
}
