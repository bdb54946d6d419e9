using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TokenClients.Caching;

/// <summary>Hashes the parts of a key or fingerprint into a SHA-256 (order and <see langword="null"/> significant).</summary>
internal static class KeyHash
{
    /// <summary>Hashes the parts into 64 lower-case hexadecimal characters.</summary>
    /// <param name="parts">What identifies the entry, for example its kind, the provider name and the subject.</param>
    /// <returns>The hash.</returns>
    public static string Of(params ReadOnlySpan<string?> parts)
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
}
