namespace TokenClients.Vendors.Telmai;

/// <summary>Settings of the Telmai adapter (password grant, parameters in the query string).</summary>
public sealed class TelmaiOptions : TokenClientOptions
{
    /// <summary>Gets or sets the auth endpoint (<c>{auth_endpoint}</c> on Telmai's page); the token endpoint is <c>{AuthEndpoint}/auth/token</c>.</summary>
    public Uri? AuthEndpoint { get; set; }

    /// <summary>Gets or sets the client identifier (<c>clientId</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the user name.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password. It travels in the URL, as Telmai requires; TokenClients never logs that URL.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the tenant identifier, sent when set.</summary>
    public string? Tenant { get; set; }

    /// <summary>Gets the token endpoint: <c>{AuthEndpoint}/auth/token</c>; <see langword="null"/> without an auth endpoint.</summary>
    public Uri? TokenEndpoint => AuthEndpoint is null ? null : new(
        AuthEndpoint.AbsoluteUri.EndsWith('/') ? AuthEndpoint : new Uri(AuthEndpoint.AbsoluteUri + "/"), TelmaiDefaults.TokenPath);
}
