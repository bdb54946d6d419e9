using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>
/// The key a client assertion is signed with: RSA (RS256), EC (ES256, ES384, ES512) or the client secret (HS256). Read
/// once from the options; failures say what is wrong and never quote key material.
/// </summary>
internal sealed class AssertionSigningKey
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;
    private readonly byte[]? _secret;
    private readonly Lock _gate = new();

    private AssertionSigningKey(string algorithm, RSA? rsa, ECDsa? ec, byte[]? secret, string? keyId, string? certificateHash)
    {
        Algorithm = algorithm;
        _rsa = rsa;
        _ec = ec;
        _secret = secret;
        KeyId = keyId;
        CertificateHash = certificateHash;
    }

    /// <summary>Gets the JWS algorithm (<c>alg</c>).</summary>
    public string Algorithm { get; }

    /// <summary>Gets the key id (<c>kid</c>) to put in the header, if any.</summary>
    public string? KeyId { get; }

    /// <summary>Gets the certificate's SHA-256 thumbprint, base64url (<c>x5t#S256</c>), when the key is a certificate's.</summary>
    public string? CertificateHash { get; }

    /// <summary>The shortest HS256 key RFC 7518 section 3.2 allows: as long as the hash, 256 bits.</summary>
    public const int MinimumSecretBytes = 32;

    /// <summary>Reads the key of <paramref name="method"/> from the options; <see langword="null"/> when an assertion source signs instead.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or unusable; the message names the setting.</exception>
    public static AssertionSigningKey? Load(ClientAuthenticationMethod method, string? clientSecret, ClientAssertionOptions options)
    {
        if (method == ClientAuthenticationMethod.ClientSecretJwt)
        {
            var secret = Encoding.UTF8.GetBytes(clientSecret ?? string.Empty);
            return secret.Length < MinimumSecretBytes
                ? throw new InvalidOperationException($"ClientSecret is shorter than {MinimumSecretBytes} bytes, too short to sign a client_secret_jwt assertion (HS256, RFC 7518 section 3.2).")
                : new AssertionSigningKey("HS256", null, null, secret, null, null);
        }

        if (options.Source is not null)
        {
            return null;
        }

        if (options.SigningKey is { Length: > 0 } jwk)
        {
            return FromJwk(jwk);
        }

        var certificate = options.Certificate ?? LoadCertificate(options)
            ?? throw new InvalidOperationException("set one of ClientAssertion:SigningKey, CertificatePath, CertificateThumbprint, Certificate or Source for private_key_jwt.");
        return FromCertificate(certificate);
    }

    /// <summary>Signs <paramref name="data"/> and returns the signature in JWS form.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (_secret is not null)
        {
            return HMACSHA256.HashData(_secret, data);
        }

        lock (_gate)
        {
            return _rsa is not null
                ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : _ec!.SignData(data, HashOf(Algorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    private static HashAlgorithmName HashOf(string algorithm) => algorithm switch
    {
        "ES384" => HashAlgorithmName.SHA384,
        "ES512" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    private static X509Certificate2? LoadCertificate(ClientAssertionOptions options) => CertificateLoader.Load(
        "ClientAssertion", nameof(options.CertificatePath), options.CertificatePath, options.CertificatePassword, null,
        nameof(options.CertificateThumbprint), options.CertificateThumbprint, options.CertificateStoreLocation);

    private static AssertionSigningKey FromCertificate(X509Certificate2 certificate)
    {
        var hash = Base64Url.EncodeToString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            return new AssertionSigningKey("RS256", rsa, null, null, hash, hash);
        }

        return certificate.GetECDsaPrivateKey() is { } ec
            ? new AssertionSigningKey(EcAlgorithm(ec.KeySize), null, ec, null, hash, hash)
            : throw new InvalidOperationException("the client assertion certificate has no RSA or EC private key.");
    }

    private static string EcAlgorithm(int keySize) => keySize switch
    {
        256 => "ES256",
        384 => "ES384",
        521 => "ES512",
        _ => throw new InvalidOperationException("the client assertion EC key is not on P-256, P-384 or P-521."),
    };

    private static AssertionSigningKey FromJwk(string jwk)
    {
        try
        {
            using var document = JsonDocument.Parse(jwk);
            var root = document.RootElement;
            var kid = Member(root, "kid", required: false);
            switch (Member(root, "kty", required: true))
            {
                case "RSA":
                    var rsa = RSA.Create();
                    rsa.ImportParameters(new RSAParameters
                    {
                        Modulus = Bytes(root, "n"), Exponent = Bytes(root, "e"), D = Bytes(root, "d"), P = Bytes(root, "p"), Q = Bytes(root, "q"),
                        DP = Bytes(root, "dp"), DQ = Bytes(root, "dq"), InverseQ = Bytes(root, "qi"),
                    });
                    return new AssertionSigningKey("RS256", rsa, null, null, kid, null);
                case "EC":
                    var (curve, algorithm) = Member(root, "crv", required: true) switch
                    {
                        "P-256" => (ECCurve.NamedCurves.nistP256, "ES256"),
                        "P-384" => (ECCurve.NamedCurves.nistP384, "ES384"),
                        "P-521" => (ECCurve.NamedCurves.nistP521, "ES512"),
                        _ => throw new InvalidOperationException("ClientAssertion:SigningKey is an EC key on a curve other than P-256, P-384 or P-521."),
                    };
                    var ec = ECDsa.Create();
                    ec.ImportParameters(new ECParameters { Curve = curve, Q = new ECPoint { X = Bytes(root, "x"), Y = Bytes(root, "y") }, D = Bytes(root, "d") });
                    return new AssertionSigningKey(algorithm, null, ec, null, kid, null);
                default:
                    throw new InvalidOperationException("ClientAssertion:SigningKey is not an RSA or EC JSON Web Key (kty RSA or EC).");
            }
        }
        catch (Exception exception) when (exception is JsonException or CryptographicException or FormatException)
        {
            // The exception's own message may quote the input: name only its type.
            throw new InvalidOperationException($"ClientAssertion:SigningKey is not a usable private JSON Web Key ({exception.GetType().Name}).");
        }
    }

    private static string? Member(JsonElement root, string name, bool required) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()
        : required ? throw new InvalidOperationException($"ClientAssertion:SigningKey is not a JSON Web Key with a '{name}' member.")
        : null;

    private static byte[] Bytes(JsonElement root, string name) =>
        Member(root, name, required: false) is { } value ? Base64Url.DecodeFromChars(value)
        : throw new InvalidOperationException($"ClientAssertion:SigningKey lacks the '{name}' member a private key needs.");
}
