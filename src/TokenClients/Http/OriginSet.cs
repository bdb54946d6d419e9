namespace TokenClients;

/// <summary>A set of origins (scheme, host, port), matched without allocating.</summary>
internal sealed class OriginSet
{
    private readonly Uri[]? _origins;
    private readonly string[]? _prefixes;

    /// <param name="origins">The allowed origins; <see langword="null"/> allows every origin, empty allows none.</param>
    public OriginSet(IEnumerable<Uri>? origins)
    {
        _origins = origins is null ? null : [.. origins.Where(o => o.IsAbsoluteUri).DistinctBy(o => o.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped), StringComparer.OrdinalIgnoreCase)];
        _prefixes = _origins?.Select(o => o.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) + "/").ToArray();
    }

    /// <summary>Gets a value indicating whether no origin at all is allowed.</summary>
    public bool IsEmpty => _origins is { Length: 0 };

    public bool Allows(Uri? uri)
    {
        if (_origins is null)
        {
            return true;
        }

        if (uri is null || !uri.IsAbsoluteUri)
        {
            return false;
        }

        // Fast path: a URI written as "scheme://host[:port]/…" of an origin has that origin (an authority ends at the
        // first '/'); anything else, other casing or an explicit default port included, takes the exact comparison.
        foreach (var prefix in _prefixes!)
        {
            if (uri.OriginalString.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        foreach (var origin in _origins)
        {
            if (origin.Port == uri.Port
                && string.Equals(origin.Scheme, uri.Scheme, StringComparison.OrdinalIgnoreCase)
                && string.Equals(origin.Host, uri.Host, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether both are the same URI, or absolute and share scheme, host and port.</summary>
    public static bool SameOrigin(Uri? a, Uri? b) =>
        ReferenceEquals(a, b)
        || (a is { IsAbsoluteUri: true } && b is { IsAbsoluteUri: true } && a.Port == b.Port
            && string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase));

    public static string Describe(Uri? uri) => uri is { IsAbsoluteUri: true } ? uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) : "(no address)";
}
