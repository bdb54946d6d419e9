namespace TokenClients;

/// <summary>The <c>grant_type</c> values of RFC 6749 the library sends, named once.</summary>
internal static class GrantTypes
{
    /// <summary>The client's own token (section 4.4).</summary>
    public const string ClientCredentials = "client_credentials";

    /// <summary>The resource owner's user name and password (section 4.3).</summary>
    public const string Password = "password";

    /// <summary>An authorization code exchanged after a sign-in (section 4.1).</summary>
    public const string AuthorizationCode = "authorization_code";

    /// <summary>A refresh token exchanged for a new token set (section 6).</summary>
    public const string RefreshToken = "refresh_token";
}
