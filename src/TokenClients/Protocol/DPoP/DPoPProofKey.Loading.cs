using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>Where a DPoP key comes from: generated, a private JWK, or a certificate's private key.</summary>
internal sealed partial class DPoPProofKey
{
    /// <summary>Reads the key the options name, or generates one when they name none.</summary>
    /// <exception cref="InvalidOperationException">The key is unusable; the message names the setting, never key material.</exception>
    public static DPoPProofKey Load(DPoPOptions options, TimeProvider time)
    {
        if (options.Key is { Length: > 0 } jwk)
        {
            return FromJwk(jwk, time);
        }

        return options.Certificate is { } certificate ? FromCertificate(certificate, time) : Generate(time);
    }

    private static DPoPProofKey FromCertificate(X509Certificate2 certificate, TimeProvider time)
    {
        if (certificate.GetECDsaPrivateKey() is { } ec)
        {
            return FromEc(ec, time, generated: false);
        }

        return certificate.GetRSAPrivateKey() is { } rsa
            ? FromRsa(rsa, time)
            : throw new InvalidOperationException("DPoP:Certificate has no RSA or EC private key.");
    }

    private static DPoPProofKey FromEc(ECDsa ec, TimeProvider time, bool generated)
    {
        var (crv, algorithm) = ec.KeySize switch
        {
            256 => ("P-256", "ES256"),
            384 => ("P-384", "ES384"),
            521 => ("P-521", "ES512"),
            _ => throw new InvalidOperationException("the DPoP EC key is not on P-256, P-384 or P-521."),
        };
        var q = ec.ExportParameters(includePrivateParameters: false).Q;
        return new DPoPProofKey(ec, null, algorithm,
            $"{{\"crv\":\"{crv}\",\"kty\":\"EC\",\"x\":\"{Base64Url.EncodeToString(q.X)}\",\"y\":\"{Base64Url.EncodeToString(q.Y)}\"}}", time, generated);
    }

    private static DPoPProofKey FromRsa(RSA rsa, TimeProvider time)
    {
        if (rsa.KeySize < 2048)
        {
            throw new InvalidOperationException("the DPoP RSA key is shorter than 2048 bits.");
        }

        var p = rsa.ExportParameters(includePrivateParameters: false);
        return new DPoPProofKey(null, rsa, "RS256",
            $"{{\"e\":\"{Base64Url.EncodeToString(p.Exponent)}\",\"kty\":\"RSA\",\"n\":\"{Base64Url.EncodeToString(p.Modulus)}\"}}", time, generated: false);
    }

    private static DPoPProofKey FromJwk(string jwk, TimeProvider time)
    {
        try
        {
            using var document = JsonDocument.Parse(jwk);
            var root = document.RootElement;
            switch (Member(root, "kty", required: true))
            {
                case "RSA":
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters
                    {
                        Modulus = Bytes(root, "n"), Exponent = Bytes(root, "e"), D = Bytes(root, "d"), P = Bytes(root, "p"), Q = Bytes(root, "q"),
                        DP = Bytes(root, "dp"), DQ = Bytes(root, "dq"), InverseQ = Bytes(root, "qi"),
                    });
                    return FromRsa(rsa, time);
                case "EC":
                    var curve = Member(root, "crv", required: true) switch
                    {
                        "P-256" => ECCurve.NamedCurves.nistP256,
                        "P-384" => ECCurve.NamedCurves.nistP384,
                        "P-521" => ECCurve.NamedCurves.nistP521,
                        _ => throw new InvalidOperationException("DPoP:Key is an EC key on a curve other than P-256, P-384 or P-521."),
                    };
                    var ec = ECDsa.Create();
                    ec.ImportParameters(new ECParameters { Curve = curve, Q = new ECPoint { X = Bytes(root, "x"), Y = Bytes(root, "y") }, D = Bytes(root, "d") });
                    return FromEc(ec, time, generated: false);
                default:
                    throw new InvalidOperationException("DPoP:Key is not an RSA or EC JSON Web Key (kty RSA or EC).");
            }
        }
        catch (Exception exception) when (exception is JsonException or CryptographicException or FormatException)
        {
            // The exception's own message may quote the input: name only its type.
            throw new InvalidOperationException($"DPoP:Key is not a usable private JSON Web Key ({exception.GetType().Name}).");
        }
    }

    private static string? Member(JsonElement root, string name, bool required) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
        : required ? throw new InvalidOperationException($"DPoP:Key is not a JSON Web Key with a '{name}' member.")
        : null;

    private static byte[] Bytes(JsonElement root, string name) =>
        Member(root, name, required: false) is { } value ? Base64Url.DecodeFromChars(value)
        : throw new InvalidOperationException($"DPoP:Key lacks the '{name}' member a private key needs.");
}
