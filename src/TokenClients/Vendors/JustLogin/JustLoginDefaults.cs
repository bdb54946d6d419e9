namespace TokenClients.Vendors.JustLogin;

/// <summary>JustLogin's identity server (docs/vendors/justlogin.md).</summary>
public static class JustLoginDefaults
{
    /// <summary>JustLogin's API host.</summary>
    public static readonly Uri BaseAddress = new("https://apis.justlogin.com/");

    /// <summary>The authorize endpoint's path.</summary>
    public const string AuthorizePath = "v1/auth/connect/authorize";

    /// <summary>The token endpoint's path.</summary>
    public const string TokenPath = "v1/auth/connect/token";

    /// <summary>The scope the page names.</summary>
    public const string Scope = "openid";
}
