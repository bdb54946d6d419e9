namespace TokenClients.AspNetCore.Connect;

/// <summary>Open-redirect protection: only a path of this application may be a redirect target.</summary>
internal static class LocalUrl
{
    /// <summary>
    /// Whether <paramref name="url"/> is a local path: it starts with a single <c>/</c> (not <c>//</c> nor <c>/\</c>,
    /// which browsers read as another host) and holds no control character.
    /// </summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            if (char.IsControl(c) || c == '\\')
            {
                return false;
            }
        }

        return true;
    }
}
