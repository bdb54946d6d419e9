using System.Globalization;
using System.Text.Json;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>What a token endpoint returned, with its expiry resolved to an absolute time.</summary>
/// <remarks><see cref="ToString"/> never prints a token.</remarks>
public sealed class TokenSet
{
    /// <summary>Gets the access token.</summary>
    public required string AccessToken { get; init; }

    /// <summary>Gets the token type as the server sent it (for example <c>Bearer</c> or <c>bearer</c>).</summary>
    public string TokenType { get; init; } = "Bearer";

    /// <summary>
    /// Gets when the access token expires: from <c>expires_in</c>, a vendor's own field, the JWT <c>exp</c>
    /// claim, or the configured default lifetime, in that order.
    /// </summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the refresh token, when the server issued one.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>Gets when the refresh token expires, when the server said so.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; init; }

    /// <summary>Gets the granted scope, when the server said so.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the OpenID Connect identity token, when the server issued one.</summary>
    public string? IdentityToken { get; init; }

    /// <summary>Gets the raw JSON response, for vendor-specific fields. It contains the tokens: never log it.</summary>
    public JsonElement? Raw { get; init; }

    /// <summary>Gets the key a DPoP token of this set is bound to (RFC 9449), or <see langword="null"/>.</summary>
    internal ProofOfPossessionKey? ProofKey { get; init; }

    /// <summary>Creates the <see cref="TokenClients.AccessToken"/> to attach to requests.</summary>
    /// <returns>The access token with its scheme normalised (and, for a DPoP token, its key binding).</returns>
    public AccessToken ToAccessToken() => new(AccessToken, TokenType, ExpiresAt, ProofKey);

    /// <summary>Returns a copy of this set bound to <paramref name="key"/>: its DPoP token goes out with proofs of that key.</summary>
    internal TokenSet BoundTo(ProofOfPossessionKey key) => new()
    {
        AccessToken = AccessToken,
        TokenType = TokenType,
        ExpiresAt = ExpiresAt,
        RefreshToken = RefreshToken,
        RefreshTokenExpiresAt = RefreshTokenExpiresAt,
        Scope = Scope,
        IdentityToken = IdentityToken,
        Raw = Raw,
        ProofKey = key,
    };

    /// <summary>Returns a copy of this set that keeps <paramref name="previous"/>'s refresh token when this one has none.</summary>
    /// <param name="previous">The token set this one replaces.</param>
    /// <returns>This set, or a copy carrying the previous refresh token.</returns>
    public TokenSet WithRefreshTokenFrom(TokenSet? previous) =>
        RefreshToken is not null || previous?.RefreshToken is null
            ? this
            : WithRefreshToken(previous.RefreshToken, previous.RefreshTokenExpiresAt);

    /// <summary>
    /// Returns a copy of this set that carries <paramref name="refreshed"/>'s refresh token (and its expiry) when it has
    /// one: a refresh for another scope or resource rotated the refresh token, while this set's access token stays.
    /// </summary>
    internal TokenSet WithRefreshTokenOf(TokenSet refreshed) =>
        refreshed.RefreshToken is null || string.Equals(refreshed.RefreshToken, RefreshToken, StringComparison.Ordinal)
            ? this
            : WithRefreshToken(refreshed.RefreshToken, refreshed.RefreshTokenExpiresAt);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"TokenSet {{ TokenType = {TokenType}, ExpiresAt = {ExpiresAt:O}, RefreshToken = {(RefreshToken is null ? "none" : "present")}, Scope = {Scope ?? "none"} }}");

    /// <summary>The one copy of a token set: everything of this one but the refresh token and its expiry.</summary>
    private TokenSet WithRefreshToken(string refreshToken, DateTimeOffset? refreshTokenExpiresAt) => new()
    {
        AccessToken = AccessToken,
        TokenType = TokenType,
        ExpiresAt = ExpiresAt,
        RefreshToken = refreshToken,
        RefreshTokenExpiresAt = refreshTokenExpiresAt,
        Scope = Scope,
        IdentityToken = IdentityToken,
        Raw = Raw,
        ProofKey = ProofKey,
    };
}
