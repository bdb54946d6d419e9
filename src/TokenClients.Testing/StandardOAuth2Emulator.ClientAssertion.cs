using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TokenClients.Testing;

/// <summary>The <c>private_key_jwt</c> client authentication of the standard emulator (RFC 7523 section 2.2, OpenID Connect Core section 9).</summary>
public sealed partial class StandardOAuth2Emulator
{
    private const string JwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private readonly ConcurrentDictionary<string, DateTimeOffset> _usedAssertionIds = new(StringComparer.Ordinal);

    /// <summary>
    /// Checks a client assertion against <see cref="StandardOAuth2EmulatorOptions.ClientAssertionKey"/>: the signature
    /// (ES256 or RS256), <c>iss</c> and <c>sub</c> equal to the client id, <c>aud</c> the token endpoint or the issuer,
    /// <c>exp</c> in the future, and a <c>jti</c> never seen before (a replayed assertion is refused).
    /// </summary>
    private bool AuthenticatesWithAssertion(Dictionary<string, string> parameters)
    {
        if (_options.ClientAssertionKey is not { } key
            || parameters.GetValueOrDefault("client_assertion_type") != JwtBearerAssertion
            || parameters.GetValueOrDefault("client_assertion") is not { } assertion
            || parameters.ContainsKey("client_secret"))
        {
            return false;
        }

        var parts = assertion.Split('.');
        if (parts.Length != 3 || !Verifies(key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Decode(parts[2])))
        {
            return false;
        }

        try
        {
            using var claims = JsonDocument.Parse(Decode(parts[1]));
            var root = claims.RootElement;
            var audience = root.TryGetProperty("aud", out var aud) ? aud.ValueKind == JsonValueKind.Array ? aud[0].GetString() : aud.GetString() : null;
            var now = Time.GetUtcNow();
            if (root.GetProperty("iss").GetString() != Options.ClientId || root.GetProperty("sub").GetString() != Options.ClientId
                || (audience != TokenEndpoint.AbsoluteUri && audience?.TrimEnd('/') != BaseAddress.AbsoluteUri.TrimEnd('/'))
                || DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()) <= now
                || root.GetProperty("jti").GetString() is not { Length: > 0 } jti)
            {
                return false;
            }

            foreach (var (id, expires) in _usedAssertionIds)
            {
                if (expires <= now)
                {
                    _usedAssertionIds.TryRemove(id, out _);
                }
            }

            return _usedAssertionIds.TryAdd(jti, DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("exp").GetInt64()));
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static bool Verifies(AsymmetricAlgorithm key, byte[] signed, byte[] signature) => key switch
    {
        ECDsa ec => ec.VerifyData(signed, signature, HashAlgorithmName.SHA256),
        RSA rsa => rsa.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => false,
    };

    private static byte[] Decode(string part)
    {
        try
        {
            return Base64Url.DecodeFromChars(part);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
