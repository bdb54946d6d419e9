using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenClients.Tests.Protocol.DPoP;

/// <summary>A DPoP proof as a server reads it: header and payload decoded, the signature checked against the embedded public JWK.</summary>
internal sealed record DPoPProof(JsonElement Header, JsonElement Payload, bool SignatureValid)
{
    public string Claim(string name) => Payload.GetProperty(name).ToString();

    public bool Has(string name) => Payload.TryGetProperty(name, out _);

    public static DPoPProof Read(string compact)
    {
        var parts = compact.Split('.');
        Assert.Equal(3, parts.Length);
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone();
        var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
        var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var jwk = header.GetProperty("jwk");
        Assert.False(jwk.TryGetProperty("d", out _), "The proof's JWK carries the private key.");
        bool valid;
        if (jwk.GetProperty("kty").GetString() == "EC")
        {
            var (curve, hash) = jwk.GetProperty("crv").GetString() switch
            {
                "P-256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
                "P-384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
                _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512),
            };
            using var ec = ECDsa.Create(new ECParameters
            {
                Curve = curve,
                Q = new ECPoint { X = Base64Url.DecodeFromChars(jwk.GetProperty("x").GetString()), Y = Base64Url.DecodeFromChars(jwk.GetProperty("y").GetString()) },
            });
            valid = ec.VerifyData(input, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        else
        {
            using var rsa = RSA.Create(new RSAParameters
            {
                Modulus = Base64Url.DecodeFromChars(jwk.GetProperty("n").GetString()),
                Exponent = Base64Url.DecodeFromChars(jwk.GetProperty("e").GetString()),
            });
            valid = rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        return new DPoPProof(header, payload, valid);
    }

    /// <summary>The base64url SHA-256 of <paramref name="token"/>: the <c>ath</c> a proof for it must carry.</summary>
    public static string HashOf(string token) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
}
