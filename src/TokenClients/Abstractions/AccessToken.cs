using System.Buffers.Text;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>An access token ready to attach to requests.</summary>
/// <remarks>Immutable. <see cref="ToString"/> never prints the token.</remarks>
public sealed class AccessToken : IEquatable<AccessToken>
{
    /// <summary>Initializes a new instance of the <see cref="AccessToken"/> class.</summary>
    /// <param name="value">The token.</param>
    /// <param name="scheme">The scheme; <c>bearer</c> in any case becomes <c>Bearer</c>.</param>
    /// <param name="expiresAt">When the token expires.</param>
    public AccessToken(string value, string? scheme, DateTimeOffset expiresAt)
        : this(value, scheme, expiresAt, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AccessToken"/> class, bound to <paramref name="proofKey"/> when it is a DPoP token.</summary>
    internal AccessToken(string value, string? scheme, DateTimeOffset expiresAt, ProofOfPossessionKey? proofKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        // Servers answer "bearer" (Keycloak, see docs/vendors/oli.md) or "Bearer": APIs expect the RFC 6750 spelling.
        Scheme = string.IsNullOrEmpty(scheme) || string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer" : scheme;
        ExpiresAt = expiresAt;
        HeaderValue = new AuthenticationHeaderValue(Scheme, Value);

        // Only a DPoP token (RFC 9449 section 7.1: scheme DPoP) carries proofs; a bearer token never does.
        ProofKey = string.Equals(Scheme, "DPoP", StringComparison.OrdinalIgnoreCase) ? proofKey : null;
    }

    /// <summary>Gets the token.</summary>
    public string Value { get; }

    /// <summary>Gets the authorization scheme, normalised to <c>Bearer</c> for bearer tokens.</summary>
    public string Scheme { get; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>
    /// Gets the JWK SHA-256 thumbprint (RFC 7638) of the key this DPoP-bound token (RFC 9449) is bound to, or
    /// <see langword="null"/> for a token that needs no proof (a bearer token). Not a secret.
    /// </summary>
    public string? DPoPKeyThumbprint => ProofKey?.Thumbprint;

    /// <summary>
    /// Gets the key whose proof goes with every request that carries this token, or <see langword="null"/> for a bearer
    /// token. The handler branches on this one field: a bearer token's path reads nothing else.
    /// </summary>
    internal ProofOfPossessionKey? ProofKey { get; }

    /// <summary>Gets the proof's <c>ath</c>: the base64url SHA-256 of the token (RFC 9449 section 4.2), computed once per token.</summary>
    internal string ProofHash => field ??= HashOf(Value);

    /// <summary>Gets the ready-made header value, built once and shared by every request that carries this token.</summary>
    internal AuthenticationHeaderValue HeaderValue { get; }

    /// <inheritdoc/>
    public bool Equals(AccessToken? other) =>
        other is not null && (ReferenceEquals(this, other) || (string.Equals(Value, other.Value, StringComparison.Ordinal) && Scheme == other.Scheme));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as AccessToken);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme} token (expires {ExpiresAt:O})");

    private static string HashOf(string value)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.ASCII.GetBytes(value), hash);
        return Base64Url.EncodeToString(hash);
    }
}
