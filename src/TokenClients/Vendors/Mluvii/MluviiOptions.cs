using System.ComponentModel;

namespace TokenClients.Vendors.Mluvii;

/// <summary>Settings of the Mluvii adapter: an API username and password generated in Mluvii's administration.</summary>
public sealed class MluviiOptions : TokenClientOptions
{
    private RenamedSetting<Uri> _authority = new(MluviiDefaults.CloudAddress);

    /// <summary>Gets or sets Mluvii's address: <see cref="MluviiDefaults.CloudAddress"/> or <c>https://{your_domain}/</c> on premise.</summary>
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

    /// <summary>Gets or sets the API username (sent as <c>client_id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the API password (sent as <c>client_secret</c>). Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets the token endpoint: <c>{Authority}/login/connect/token</c>.</summary>
    public Uri TokenEndpoint => new(EnsureSlash(Authority), MluviiDefaults.TokenPath);

    internal static Uri EnsureSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
