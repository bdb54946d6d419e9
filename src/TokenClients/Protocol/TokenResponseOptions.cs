namespace TokenClients;

/// <summary>How a token endpoint's JSON answer is read: where the token object sits and what its fields are called.</summary>
public sealed class TokenResponseOptions
{
    /// <summary>The standard OAuth2 shape (RFC 6749 section 5). Shared: do not change it.</summary>
    internal static readonly TokenResponseOptions Standard = new();

    /// <summary>Gets or sets the dot-separated path of the token object (<c>data</c> for <c>{"data": {…}}</c>); empty for the root.</summary>
    public string? TokenPath { get; set; }

    /// <summary>Gets or sets the access token's field. Default: <c>access_token</c>.</summary>
    public string AccessToken { get; set; } = "access_token";

    /// <summary>
    /// Gets or sets the expiry's field (<c>expires_in</c>, <c>expires</c>, <c>expires_at</c>, …); without it (or when
    /// the field is absent) the JWT <c>exp</c> claim, then the default lifetime, decide. Default: <c>expires_in</c>.
    /// </summary>
    public string? ExpiresIn { get; set; } = "expires_in";

    /// <summary>Gets or sets how the expiry fields are written. Default: <see cref="ExpiryFormat.Seconds"/>.</summary>
    public ExpiryFormat ExpiryFormat { get; set; } = ExpiryFormat.Seconds;

    /// <summary>Gets or sets the token type's field. Default: <c>token_type</c>.</summary>
    public string TokenType { get; set; } = "token_type";

    /// <summary>Gets or sets the refresh token's field. Default: <c>refresh_token</c>.</summary>
    public string RefreshToken { get; set; } = "refresh_token";

    /// <summary>Gets or sets the refresh token expiry's field. Default: <c>refresh_expires_in</c> (Keycloak's).</summary>
    public string? RefreshTokenExpiresIn { get; set; } = "refresh_expires_in";

    /// <summary>Gets or sets the scope's field. Default: <c>scope</c>.</summary>
    public string Scope { get; set; } = "scope";

    /// <summary>Gets or sets the error code's field, read at the root of an error answer. Default: <c>error</c>.</summary>
    public string Error { get; set; } = "error";

    /// <summary>Gets or sets the error description's field (<c>description</c> for Telmai-style errors). Default: <c>error_description</c>.</summary>
    public string ErrorDescription { get; set; } = "error_description";
}

/// <summary>How an expiry is written in a token response.</summary>
public enum ExpiryFormat
{
    /// <summary>Seconds from now, as a number or a numeric string (<c>"expires_in": 3600</c> or <c>"3600"</c>).</summary>
    Seconds,

    /// <summary>An absolute time in Unix seconds.</summary>
    UnixTimeSeconds,

    /// <summary>An absolute time as an ISO 8601 string.</summary>
    DateTime,
}
