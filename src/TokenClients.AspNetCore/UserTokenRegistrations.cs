namespace TokenClients.AspNetCore;

/// <summary>Which provider keeps the tokens of which OpenID Connect scheme's sign-in (<c>AddUserTokens</c>).</summary>
internal sealed class UserTokenRegistrations
{
    /// <summary>Gets the OpenID Connect scheme of each provider, by provider name.</summary>
    public Dictionary<string, string> SchemeOfProvider { get; } = new(StringComparer.OrdinalIgnoreCase);
}
