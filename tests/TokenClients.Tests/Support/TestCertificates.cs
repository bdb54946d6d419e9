using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TokenClients.Tests.Support;

/// <summary>Self-signed client certificates made in the test (RSA 2048), and files holding them.</summary>
internal static class TestCertificates
{
    private static readonly DateTimeOffset From = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A certificate with its private key, valid from 2020 to 2100 unless told otherwise.</summary>
    public static X509Certificate2 Create(string subject = "CN=mtls-client", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        return request.CreateSelfSigned(notBefore ?? From, notAfter ?? Until);
    }

    /// <summary>The SHA-256 thumbprint, base64url: a bound token's <c>cnf</c> <c>x5t#S256</c>.</summary>
    public static string X5tS256(X509Certificate2 certificate) =>
        System.Buffers.Text.Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA256));

    /// <summary>A file in the temporary folder, deleted on dispose.</summary>
    public sealed class TempFile : IDisposable
    {
        public TempFile(string extension) => Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mtls-{Guid.NewGuid():N}{extension}");

        public string Path { get; }

        public static TempFile Pfx(X509Certificate2 certificate, string? password)
        {
            var file = new TempFile(".pfx");
            File.WriteAllBytes(file.Path, certificate.Export(X509ContentType.Pfx, password));
            return file;
        }

        public static TempFile Text(string text, string extension)
        {
            var file = new TempFile(extension);
            File.WriteAllText(file.Path, text);
            return file;
        }

        public void Dispose() => File.Delete(Path);
    }
}
