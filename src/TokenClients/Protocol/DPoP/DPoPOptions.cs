using System.Security.Cryptography.X509Certificates;

namespace TokenClients;

/// <summary>
/// DPoP (RFC 9449) for a standard provider: its token requests and the API requests that carry its tokens go out with a
/// proof signed by the provider's own key, and the server binds the tokens to that key.
/// </summary>
/// <remarks>
/// Without <see cref="Key"/> or <see cref="Certificate"/> the provider generates a P-256 key (ES256) when it starts; the
/// key lives as long as the process. A token is bound to the key of the instance that obtained it: the shared cache
/// shares tokens only between instances with the same key, so a deployment that wants to share them supplies the same
/// key to every instance.
/// <see cref="ToString"/> never prints the key.
/// </remarks>
public sealed class DPoPOptions
{
    /// <summary>Gets or sets a value indicating whether the provider uses DPoP. Default: <see langword="false"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Gets or sets the private key as a JSON Web Key (<c>kty</c> <c>EC</c> on P-256, P-384 or P-521, signing ES256,
    /// ES384 or ES512; or <c>RSA</c>, signing RS256). A secret: keep it where secrets are kept. Default: none (a key is
    /// generated).
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Gets or sets a certificate whose private key (RSA or EC) signs the proofs. Set in code. Default: none.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"DPoPOptions {{ Enabled = {Enabled}, Key = {(Key is null ? "none" : "set")}, Certificate = {(Certificate is null ? "none" : "set")} }}";
}
