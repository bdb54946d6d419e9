using System.Collections.Concurrent;

namespace TokenClients.Internal;

/// <summary>
/// The last nonce each origin handed out (RFC 9449 sections 8 and 9), looked up by a proof's <c>htu</c> without
/// allocating. Bounded: past <see cref="MaxOrigins"/> origins it starts over, and a server that wants a nonce asks again.
/// </summary>
internal sealed class DPoPNonces
{
    /// <summary>The most origins remembered at once.</summary>
    public const int MaxOrigins = 64;

    /// <summary>The longest nonce kept; a longer one is ignored.</summary>
    public const int MaxNonceLength = 1024;

    private readonly ConcurrentDictionary<string, string> _byOrigin = new(StringComparer.Ordinal);

    /// <summary>Returns the nonce for the origin of <paramref name="htu"/> (<c>scheme://host[:port]/path</c>), if one is known.</summary>
    public string? Find(string htu)
    {
        if (_byOrigin.IsEmpty)
        {
            return null;
        }

        var start = htu.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = htu.IndexOf('/', start);
        var origin = slash < 0 ? htu.AsSpan() : htu.AsSpan(0, slash);
        return _byOrigin.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(origin, out var nonce) ? nonce : null;
    }

    /// <summary>Remembers <paramref name="nonce"/> for <paramref name="origin"/>; returns whether it is new. A nonce outside RFC 9449's syntax is ignored.</summary>
    public bool Remember(string origin, string nonce)
    {
        if (!IsNonce(nonce) || (_byOrigin.TryGetValue(origin, out var known) && string.Equals(known, nonce, StringComparison.Ordinal)))
        {
            return false;
        }

        if (_byOrigin.Count >= MaxOrigins && !_byOrigin.ContainsKey(origin))
        {
            _byOrigin.Clear();
        }

        _byOrigin[origin] = nonce;
        return true;
    }

    /// <summary>RFC 9449 section 8.1: <c>nonce = 1*NQCHAR</c>, visible ASCII without <c>"</c> and <c>\</c>.</summary>
    private static bool IsNonce(string value)
    {
        if (value.Length is 0 or > MaxNonceLength)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '\x21' or > '\x7E' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }
}
