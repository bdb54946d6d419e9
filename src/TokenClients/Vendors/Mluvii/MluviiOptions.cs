namespace TokenClients.Vendors.Mluvii;

/// <summary>Settings of the Mluvii adapter: an API username and password generated in Mluvii's administration.</summary>
public sealed class MluviiOptions : TokenClientOptions
{
    /// <summary>Gets or sets the base address: <see cref="MluviiDefaults.CloudAddress"/> or <c>https://{your_domain}/</c> on premise.</summary>
    public Uri BaseAddress { get; set; } = MluviiDefaults.CloudAddress;

    /// <summary>Gets or sets the API username (sent as <c>client_id</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the API password (sent as <c>client_secret</c>). Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets the token endpoint: <c>{BaseAddress}/login/connect/token</c>.</summary>
    public Uri TokenEndpoint => new(EnsureSlash(BaseAddress), MluviiDefaults.TokenPath);

    internal static Uri EnsureSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
}
