using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// The certificates of the mutual TLS tests, made in the test with <see cref="CertificateRequest"/>: the server's
/// (trusted only by the tests' own check), a CA with a client certificate it issued (tls_client_auth), a registered
/// self-signed client certificate (self_signed_tls_client_auth) and an unregistered one.
/// </summary>
public sealed class MtlsCertificates : IDisposable
{
    private static readonly DateTimeOffset From = DateTimeOffset.UnixEpoch.AddYears(50);
    private static readonly DateTimeOffset Until = DateTimeOffset.UnixEpoch.AddYears(130);

    public MtlsCertificates()
    {
        Server = SelfSigned("CN=127.0.0.1", "1.3.6.1.5.5.7.3.1", request =>
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        });
        Authority = SelfSigned("CN=TokenClients test CA", null, request =>
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        });
        using (var key = RSA.Create(2048))
        {
            var request = Request("CN=mtls-pki", key, "1.3.6.1.5.5.7.3.2");
            using var issued = request.Create(Authority, From, Until, RandomNumberGenerator.GetBytes(16));
            Issued = issued.CopyWithPrivateKey(key);
        }

        SelfSignedClient = SelfSigned("CN=mtls-self", "1.3.6.1.5.5.7.3.2");
        Intruder = SelfSigned("CN=mtls-self", "1.3.6.1.5.5.7.3.2");
    }

    /// <summary>Gets the server's certificate (127.0.0.1).</summary>
    public X509Certificate2 Server { get; }

    /// <summary>Gets the CA the server trusts for tls_client_auth.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>Gets the client certificate the CA issued, <c>CN=mtls-pki</c>.</summary>
    public X509Certificate2 Issued { get; }

    /// <summary>Gets the self-signed client certificate registered for the self_signed_tls_client_auth clients.</summary>
    public X509Certificate2 SelfSignedClient { get; }

    /// <summary>Gets a self-signed certificate with the same subject that no client registered.</summary>
    public X509Certificate2 Intruder { get; }

    /// <summary>The SHA-256 thumbprint, base64url: what a bound token's <c>cnf</c> names.</summary>
    public static string X5tS256(X509Certificate2 certificate) => Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>A check of the server's certificate that trusts exactly <see cref="Server"/>, and nothing else.</summary>
    public bool IsServer(X509Certificate? presented) =>
        presented is not null && presented.GetCertHash(HashAlgorithmName.SHA256).AsSpan().SequenceEqual(Server.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>A primary handler that trusts only <see cref="Server"/>.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => IsServer(certificate) },
        AllowAutoRedirect = false,
    };

    /// <summary>The public JWK of <paramref name="certificate"/> with its <c>x5c</c>, as self_signed_tls_client_auth registers it.</summary>
    public static JsonObject Jwk(X509Certificate2 certificate)
    {
        var p = certificate.GetRSAPublicKey()!.ExportParameters(false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["n"] = Base64Url.EncodeToString(p.Modulus), ["e"] = Base64Url.EncodeToString(p.Exponent),
            ["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData)),
        };
    }

    /// <summary>The server's key and certificate, and the CA, in PEM.</summary>
    public (string Key, string Certificate, string Authority) ServerPem() =>
        (Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem(), Server.ExportCertificatePem(), Authority.ExportCertificatePem());

    public void Dispose()
    {
        Server.Dispose();
        Authority.Dispose();
        Issued.Dispose();
        SelfSignedClient.Dispose();
        Intruder.Dispose();
    }

    private static X509Certificate2 SelfSigned(string subject, string? usage, Action<CertificateRequest>? extend = null)
    {
        using var key = RSA.Create(2048);
        var request = Request(subject, key, usage);
        extend?.Invoke(request);
        return request.CreateSelfSigned(From, Until);
    }

    private static CertificateRequest Request(string subject, RSA key, string? usage)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (usage is not null)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        }

        return request;
    }
}
