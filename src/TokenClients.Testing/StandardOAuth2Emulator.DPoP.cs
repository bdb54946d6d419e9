using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenClients.Testing;

/// <summary>
/// DPoP (RFC 9449) when <see cref="StandardOAuth2EmulatorOptions.RequireDPoP"/> is on: every token request must carry a
/// valid proof (typ <c>dpop+jwt</c>, ES256/384/512 or RS256 over the embedded public JWK, <c>htm</c> POST, <c>htu</c> the
/// token endpoint, <c>iat</c> within a minute of the emulator's clock, a <c>jti</c> never seen), the tokens are issued as
/// <c>DPoP</c> bound to the proof's key, and the API accepts such a token only as <c>Authorization: DPoP</c> with a
/// valid proof of the same key whose <c>ath</c> is the token's hash.
/// </summary>
public sealed partial class StandardOAuth2Emulator
{
    [ThreadStatic]
    private static string? t_proofKey;

    private readonly ConcurrentDictionary<string, string> _boundTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _proofIds = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    protected override string ApiChallenge => _options.RequireDPoP ? "DPoP error=\"invalid_token\"" : base.ApiChallenge;

    /// <inheritdoc/>
    protected override string? ApiToken(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_options.RequireDPoP)
        {
            return base.ApiToken(context);
        }

        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("DPoP ", StringComparison.OrdinalIgnoreCase) ? header["DPoP ".Length..].Trim() : null;
        return token is not null && _boundTokens.TryGetValue(token, out var bound)
            && VerifyProof(context.Request.Headers["DPoP"].ToString(), context.Request.Method, ApiEndpoint, token) == bound ? token : null;
    }

    /// <summary>Answers a token request that must carry a proof: the grant's answer, bound to the proof's key, or <c>invalid_dpop_proof</c>.</summary>
    private EmulatorResponse AnswerWithProof(RecordedRequest request, Func<RecordedRequest, EmulatorResponse> answer)
    {
        var key = VerifyProof(request.Headers.GetValueOrDefault("DPoP"), request.Method, TokenEndpoint, null);
        if (key is null)
        {
            return ErrorAnswer(400, "invalid_dpop_proof", "The DPoP proof is missing or invalid");
        }

        t_proofKey = key;
        try
        {
            return answer(request);
        }
        finally
        {
            t_proofKey = null;
        }
    }

    /// <summary>The token type of an answer: <c>DPoP</c> (and the token bound to the proof's key) inside a DPoP request.</summary>
    private string Bind(IssuedTokens issued, string tokenType)
    {
        if (t_proofKey is not { } key)
        {
            return tokenType;
        }

        _boundTokens[issued.AccessToken] = key;
        return "DPoP";
    }

    /// <summary>Checks a proof; returns its key's JWK thumbprint (RFC 7638), or <see langword="null"/> when it is not valid.</summary>
    private string? VerifyProof(string? proof, string method, Uri target, string? accessToken)
    {
        try
        {
            var parts = (proof ?? string.Empty).Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            using var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0]));
            using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            var h = header.RootElement;
            var p = payload.RootElement;
            var jwk = h.GetProperty("jwk");
            var input = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            var signature = Base64Url.DecodeFromChars(parts[2]);
            var issuedAt = DateTimeOffset.FromUnixTimeSeconds(p.GetProperty("iat").GetInt64());
            var valid = h.GetProperty("typ").GetString() == "dpop+jwt" && !jwk.TryGetProperty("d", out _)
                && Verify(h.GetProperty("alg").GetString(), jwk, input, signature)
                && p.GetProperty("htm").GetString() == method
                && p.GetProperty("htu").GetString() == target.GetLeftPart(UriPartial.Path)
                && (issuedAt - Time.GetUtcNow()).Duration() <= TimeSpan.FromMinutes(1)
                && (accessToken is null || p.GetProperty("ath").GetString() == Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken))))
                && p.GetProperty("jti").GetString() is { Length: > 0 } jti && _proofIds.TryAdd(jti, 0);
            return valid ? Thumbprint(jwk) : null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or CryptographicException)
        {
            return null;
        }
    }

    private static bool Verify(string? algorithm, JsonElement jwk, byte[] input, byte[] signature)
    {
        byte[] B(string name) => Base64Url.DecodeFromChars(jwk.GetProperty(name).GetString());
        if (algorithm == "RS256")
        {
            using var rsa = RSA.Create(new RSAParameters { Modulus = B("n"), Exponent = B("e") });
            return rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        var (curve, hash) = algorithm switch
        {
            "ES256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
            "ES384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
            "ES512" => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512),
            _ => throw new InvalidOperationException("unsupported alg"),
        };
        using var ec = ECDsa.Create(new ECParameters { Curve = curve, Q = new ECPoint { X = B("x"), Y = B("y") } });
        return ec.VerifyData(input, signature, hash, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static string Thumbprint(JsonElement jwk)
    {
        string M(string name) => jwk.GetProperty(name).GetString()!;
        var canonical = M("kty") == "RSA"
            ? $"{{\"e\":\"{M("e")}\",\"kty\":\"RSA\",\"n\":\"{M("n")}\"}}"
            : $"{{\"crv\":\"{M("crv")}\",\"kty\":\"EC\",\"x\":\"{M("x")}\",\"y\":\"{M("y")}\"}}";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
