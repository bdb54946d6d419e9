using System.Security.Cryptography.X509Certificates;

namespace TokenClients;

/// <summary>
/// The client certificate of mutual TLS (RFC 8705): presented by the token endpoint's HttpClient, and by an API client
/// that calls <c>UseClientCertificate</c> with the provider's name. Set exactly one source: <see cref="Path"/> (a
/// PKCS#12 file, or a PEM certificate with <see cref="KeyPath"/>), <see cref="Thumbprint"/> (the certificate store) or
/// <see cref="Certificate"/>. The private key is never logged.
/// </summary>
public sealed class ClientCertificateOptions
{
    /// <summary>
    /// Gets or sets the path of a PKCS#12 (.pfx) file with the certificate and its private key, or of a PEM certificate
    /// when <see cref="KeyPath"/> is set.
    /// </summary>
    public string? Path { get; set; }

    /// <summary>Gets or sets the path of the PEM private key of the PEM certificate at <see cref="Path"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Gets or sets the password of the PKCS#12 file, or of an encrypted PEM key. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the SHA-1 thumbprint of a certificate in the <c>My</c> store of <see cref="StoreLocation"/>.</summary>
    public string? Thumbprint { get; set; }

    /// <summary>Gets or sets the store searched for <see cref="Thumbprint"/>. Default: <see cref="StoreLocation.CurrentUser"/>.</summary>
    public StoreLocation StoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>Gets or sets the certificate with its private key, given in code.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether every access token of this provider is bound to the certificate (the
    /// client is registered with <c>tls_client_certificate_bound_access_tokens</c>, RFC 8705 section 3), even when the
    /// token is opaque. A JWT access token whose <c>cnf</c> claim has <c>x5t#S256</c> is known to be bound without it.
    /// An HttpClient that attaches a bound token must present the certificate (<c>UseClientCertificate</c>); otherwise
    /// the request is not sent and fails with a <see cref="CertificateBindingException"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool BoundAccessTokens { get; set; }

    /// <summary>Gets a value indicating whether a certificate source is set.</summary>
    internal bool IsSet => Certificate is not null || !string.IsNullOrEmpty(Path) || !string.IsNullOrEmpty(Thumbprint);
}
