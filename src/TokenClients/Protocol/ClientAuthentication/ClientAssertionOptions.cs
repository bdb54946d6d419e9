using System.Security.Cryptography.X509Certificates;

namespace TokenClients;

/// <summary>
/// How a client proves itself with a signed JWT (<c>private_key_jwt</c> or <c>client_secret_jwt</c>). For
/// <c>private_key_jwt</c> set exactly one key source: <see cref="SigningKey"/>, <see cref="CertificatePath"/>,
/// <see cref="CertificateThumbprint"/>, <see cref="Certificate"/> or <see cref="Source"/>. A new assertion (a new
/// <c>jti</c>) is built for every attempt of every token request; assertions are never cached or logged.
/// </summary>
public sealed class ClientAssertionOptions
{
    /// <summary>
    /// Gets or sets the private key as a JSON Web Key (RSA, or EC on P-256, P-384 or P-521), with its private part. Its
    /// <c>kid</c>, when present, goes into the assertion's header. A secret: keep it in a secret store, never logged.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Gets or sets the path of a PKCS#12 (.pfx) file holding the signing certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the password of <see cref="CertificatePath"/>. Never logged.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Gets or sets the SHA-1 thumbprint of a signing certificate in the <c>My</c> store of <see cref="CertificateStoreLocation"/>.</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Gets or sets the store searched for <see cref="CertificateThumbprint"/>. Default: <see cref="StoreLocation.CurrentUser"/>.</summary>
    public StoreLocation CertificateStoreLocation { get; set; } = StoreLocation.CurrentUser;

    /// <summary>Gets or sets a signing certificate with its private key (RSA or EC), given in code.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Gets or sets a source that returns a ready assertion, for keys that never leave a vault. It is asked once per
    /// attempt and must return a new assertion each time.
    /// </summary>
    public IClientAssertionSource? Source { get; set; }

    /// <summary>Gets or sets the assertion's <c>aud</c>. Default: <see cref="ClientAssertionAudience.TokenEndpoint"/>.</summary>
    public ClientAssertionAudience Audience { get; set; } = ClientAssertionAudience.TokenEndpoint;

    /// <summary>Gets or sets how long an assertion is valid after it is issued (<c>exp</c> − <c>iat</c>). Default: 1 minute.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>What a client assertion names as its audience (<c>aud</c>).</summary>
public enum ClientAssertionAudience
{
    /// <summary>The address of the token endpoint the request goes to (RFC 7523 section 3).</summary>
    TokenEndpoint,

    /// <summary>The issuer identifier: the discovery document's <c>issuer</c>, or <see cref="OAuth2ClientOptions.Authority"/>.</summary>
    Issuer,
}

/// <summary>
/// Returns client assertions built elsewhere, for example signed by a key held in a vault. Called from any thread,
/// concurrently; each call must return a new assertion (a new <c>jti</c>), valid now, for the given audience.
/// </summary>
public interface IClientAssertionSource
{
    /// <summary>Returns a signed client assertion (a compact JWT).</summary>
    /// <param name="context">Who the assertion is for and when it is issued.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assertion.</returns>
    ValueTask<string> GetAssertionAsync(ClientAssertionContext context, CancellationToken cancellationToken);
}

/// <summary>What a client assertion must say: issuer and subject (the client id), audience, and the time of issue.</summary>
public sealed class ClientAssertionContext
{
    /// <summary>Gets the name of the provider whose token request needs the assertion.</summary>
    public required string ProviderName { get; init; }

    /// <summary>Gets the client id: the assertion's <c>iss</c> and <c>sub</c>.</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets the assertion's <c>aud</c>.</summary>
    public required string Audience { get; init; }

    /// <summary>Gets the time of issue (<c>iat</c>), from the provider's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>Gets the expiry (<c>exp</c>) the assertion should carry.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }
}
