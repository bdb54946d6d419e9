using System.Globalization;
using System.Net.Http.Headers;

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
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        Value = value;
        // Servers answer "bearer" (Keycloak, see docs/vendors/oli.md) or "Bearer": APIs expect the RFC 6750 spelling.
        Scheme = string.IsNullOrEmpty(scheme) || string.Equals(scheme, "Bearer", StringComparison.OrdinalIgnoreCase) ? "Bearer" : scheme;
        ExpiresAt = expiresAt;
        HeaderValue = new AuthenticationHeaderValue(Scheme, Value);
    }

    /// <summary>Gets the token.</summary>
    public string Value { get; }

    /// <summary>Gets the authorization scheme, normalised to <c>Bearer</c> for bearer tokens.</summary>
    public string Scheme { get; }

    /// <summary>Gets when the token expires.</summary>
    public DateTimeOffset ExpiresAt { get; }

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
}
