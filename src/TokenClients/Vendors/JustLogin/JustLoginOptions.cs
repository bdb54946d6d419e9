using System.ComponentModel;

namespace TokenClients.Vendors.JustLogin;

/// <summary>Settings of the JustLogin adapter (authorization code with PKCE, then refresh; tokens per connected user).</summary>
public sealed class JustLoginOptions : TokenClientOptions
{
    private RenamedSetting<Uri> _authority = new(JustLoginDefaults.BaseAddress);

    /// <summary>Gets or sets JustLogin's address, that of its authorize and token endpoints. Default: <see cref="JustLoginDefaults.BaseAddress"/>.</summary>
    public Uri Authority
    {
        get => _authority.Value;
        set => _authority.Set(value);
    }

    /// <summary>Gets or sets the same address as <see cref="Authority"/>, under its former name; configuration key <c>BaseAddress</c> still binds to it.</summary>
    [Obsolete("Use Authority.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Uri BaseAddress
    {
        get => Authority;
        set => SetFormerAddress(value);
    }

    /// <summary>Sets the address from its former name, unless <see cref="Authority"/> was set: the new name wins whatever the order.</summary>
    internal void SetFormerAddress(Uri value) => _authority.SetFormer(value);

    /// <summary>Gets or sets the Client Id JustLogin issued.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the Client Secret JustLogin issued. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the callback URL JustLogin whitelisted for the client.</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Gets or sets the scope. Default: <c>openid</c>.</summary>
    public string Scope { get; set; } = JustLoginDefaults.Scope;

    /// <summary>Gets or sets a value indicating whether PKCE (S256) is used. Default: <see langword="true"/>.</summary>
    public bool UsePkce { get; set; } = true;

    /// <summary>Gets the authorize endpoint.</summary>
    public Uri AuthorizeEndpoint => new(WithSlash(Authority), JustLoginDefaults.AuthorizePath);

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(WithSlash(Authority), JustLoginDefaults.TokenPath);

    private static Uri WithSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
