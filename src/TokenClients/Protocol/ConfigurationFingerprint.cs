namespace TokenClients.Caching;

/// <summary>
/// Implemented by token clients whose configuration decides which tokens they obtain: the shared cache keys their
/// tokens by it, so instances configured differently (a rolling deploy, a changed client id or scope) never serve
/// each other's tokens. Clients that do not implement it are told apart by their type.
/// </summary>
internal interface IConfigurationFingerprint
{
    /// <summary>Gets the fingerprint of the client's configuration.</summary>
    ConfigurationFingerprint Fingerprint { get; }
}

/// <summary>
/// What a token client's configuration contributes to shared keys, as hashes. No secret or password ever enters it:
/// a rotated client secret keeps the keys, so instances keep sharing tokens through the rotation.
/// </summary>
/// <param name="Client">
/// What a refresh token is bound to: the client id and the token endpoint (or authority). The keys of stored user token
/// sets use only this, so a change of scope keeps the signed-in users.
/// </param>
/// <param name="Request">Everything that shapes a token request: <paramref name="Client"/>, the grant, scope, resource, user name and extra parameters.</param>
internal sealed record ConfigurationFingerprint(string Client, string Request)
{
    /// <summary>Builds the fingerprint of a client configuration.</summary>
    /// <param name="grant">The grant (or the client kind).</param>
    /// <param name="endpoint">The token endpoint, or the authority it is discovered from.</param>
    /// <param name="clientId">The client id.</param>
    /// <param name="scope">The configured scope.</param>
    /// <param name="resource">The configured resource.</param>
    /// <param name="userName">The user name of a password grant (never the password).</param>
    /// <param name="parameters">Extra parameters sent with every token request.</param>
    /// <returns>The fingerprint.</returns>
    public static ConfigurationFingerprint Create(string grant, Uri? endpoint, string? clientId, string? scope, string? resource, string? userName, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var client = KeyHash.Of("client", endpoint?.AbsoluteUri, clientId);
        var parts = new List<string?> { "request", client, grant, scope, resource, userName };
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            parts.Add(key);
            parts.Add(value);
        }

        return new ConfigurationFingerprint(client, KeyHash.Of([.. parts]));
    }

    /// <summary>The fingerprint of a client: its own, or its type's for a client that does not describe its configuration.</summary>
    /// <param name="client">The token client.</param>
    /// <returns>The fingerprint.</returns>
    public static ConfigurationFingerprint Of(ITokenClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client is IConfigurationFingerprint described)
        {
            return described.Fingerprint;
        }

        var type = KeyHash.Of("type", client.GetType().FullName);
        return new ConfigurationFingerprint(type, type);
    }
}
