namespace TokenClients;

/// <summary>
/// Hashes the parts of a key into a SHA-256. The shared cache, lock and store do not use these hashes as they are:
/// <see cref="SharedTokenKeys"/> keys them with a secret (HMAC-SHA256) before they leave the process, so a list of
/// candidate user ids or provider names cannot be matched against the keys of a shared cache.
/// </summary>
internal static class TokenCacheKey
{
    /// <summary>Hashes the parts (order and <see langword="null"/> significant) into 64 lower-case hexadecimal characters.</summary>
    public static string Hash(params ReadOnlySpan<string?> parts) => Caching.KeyHash.Of(parts);

    /// <summary>
    /// The unkeyed key of a provider's token for a context, obtained with a client configuration
    /// (<see cref="Caching.ConfigurationFingerprint.Request"/>).
    /// </summary>
    internal static string ForContext(string providerName, TokenContext context, string? configuration)
    {
        // Without a configuration, the parts (and so the key) are those of earlier versions.
        var parts = new List<string?>(6 + (context.SortedParameterSpan.Length * 2))
        {
            configuration is null ? "token" : "token.v2", providerName, context.Subject, context.Scope, context.Resource,
        };
        if (configuration is not null)
        {
            parts.Add(configuration);
        }

        foreach (var (key, value) in context.SortedParameterSpan)
        {
            parts.Add(key);
            parts.Add(value);
        }

        return Hash([.. parts]);
    }

    /// <summary>
    /// The unkeyed key of a provider's stored token set for a subject, whatever the context's scope, bound to what its
    /// refresh token is bound to (<see cref="Caching.ConfigurationFingerprint.Client"/>).
    /// </summary>
    internal static string ForSubject(string providerName, string subject, string? client) =>
        client is null ? Hash("subject", providerName, subject) : Hash("subject.v2", providerName, subject, client);
}
