using System.ComponentModel;

namespace TokenClients.Vendors.Telmai;

/// <summary>Settings of the Telmai adapter (password grant, parameters in the query string).</summary>
public sealed class TelmaiOptions : TokenClientOptions
{
    private RenamedSetting<Uri?> _authority = new(null);

    /// <summary>Gets or sets Telmai's auth address (<c>{auth_endpoint}</c> on Telmai's page); the token endpoint is <c>{Authority}/auth/token</c>. Required.</summary>
    public Uri? Authority
    {
        get => _authority.Value;
        set => _authority.Set(value);
    }

    /// <summary>Gets or sets the same address as <see cref="Authority"/>, under its former name; configuration key <c>AuthEndpoint</c> still binds to it.</summary>
    [Obsolete("Use Authority.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Uri? AuthEndpoint
    {
        get => Authority;
        set => SetFormerAddress(value);
    }

    /// <summary>Sets the address from its former name, unless <see cref="Authority"/> was set: the new name wins whatever the order.</summary>
    internal void SetFormerAddress(Uri? value) => _authority.SetFormer(value);

    /// <summary>Gets or sets the client identifier (<c>clientId</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the user name.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password. It travels in the URL, as Telmai requires; TokenClients never logs that URL.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the tenant identifier, sent when set.</summary>
    public string? Tenant { get; set; }

    /// <summary>Gets the token endpoint: <c>{Authority}/auth/token</c>; <see langword="null"/> without an authority.</summary>
    public Uri? TokenEndpoint => Authority is null ? null : new(
        Authority.AbsoluteUri.EndsWith('/') ? Authority : new Uri(Authority.AbsoluteUri + "/"), TelmaiDefaults.TokenPath);
}
