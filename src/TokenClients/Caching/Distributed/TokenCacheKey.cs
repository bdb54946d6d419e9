using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TokenClients;

/// <summary>
/// Builds the keys of shared caches and stores: a SHA-256 of the parts, so no secret, user name or client id appears
/// in a key in clear.
/// </summary>
public static class TokenCacheKey
{
    /// <summary>Hashes the parts (order and <see langword="null"/> significant) into 64 lower-case hexadecimal characters.</summary>
    /// <param name="parts">What identifies the entry, for example its kind, the provider name and the subject.</param>
    /// <returns>The hash.</returns>
    public static string Hash(params ReadOnlySpan<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            // Length-prefixed, with -1 for null: ("ab", "c") and ("a", "bc") never collide.
            var bytes = part is null ? [] : Encoding.UTF8.GetBytes(part);
            BinaryPrimitives.WriteInt32BigEndian(length, part is null ? -1 : bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The key of a provider's token for a context.</summary>
    internal static string ForContext(string providerName, TokenContext context)
    {
        var parts = new string?[5 + (context.Parameters.Count * 2)];
        parts[0] = "token";
        parts[1] = providerName;
        parts[2] = context.Subject;
        parts[3] = context.Scope;
        parts[4] = context.Resource;
        var i = 5;
        foreach (var (key, value) in context.Parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts[i++] = key;
            parts[i++] = value;
        }

        return Hash(parts);
    }

    /// <summary>The key of a provider's stored token set for a subject (whatever the context's scope).</summary>
    internal static string ForSubject(string providerName, string subject) => Hash("subject", providerName, subject);
}
