using System.ComponentModel;

namespace TokenClients.Vendors.Oli;

/// <summary>Settings of the OLI Systems adapter, which serves any Keycloak realm (password grant, then refresh).</summary>
public sealed class OliOptions : TokenClientOptions
{
    private RenamedSetting<Uri> _authority = new(OliDefaults.ServerAddress);

    /// <summary>
    /// Gets or sets the Keycloak server's address (without the realm: <see cref="Realm"/> and <see cref="LegacyAuthPrefix"/>
    /// complete it). Default: <see cref="OliDefaults.ServerAddress"/>.
    /// </summary>
    public Uri Authority
    {
        get => _authority.Value;
        set => _authority.Set(value);
    }

    /// <summary>Gets or sets the same address as <see cref="Authority"/>, under its former name; configuration key <c>ServerAddress</c> still binds to it.</summary>
    [Obsolete("Use Authority.")]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public Uri ServerAddress
    {
        get => Authority;
        set => SetFormerAddress(value);
    }

    /// <summary>Sets the address from its former name, unless <see cref="Authority"/> was set: the new name wins whatever the order.</summary>
    internal void SetFormerAddress(Uri value) => _authority.SetFormer(value);

    /// <summary>Gets or sets the realm. Default: <c>api</c>.</summary>
    public string Realm { get; set; } = OliDefaults.Realm;

    /// <summary>
    /// Gets or sets a value indicating whether realms live under the legacy <c>/auth</c> prefix
    /// (<c>{server}/auth/realms/{realm}</c>, as OLI's do) rather than <c>{server}/realms/{realm}</c>. Default: <see langword="true"/>.
    /// </summary>
    public bool LegacyAuthPrefix { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether the token endpoint is read from the realm's OpenID discovery document
    /// instead of Keycloak's conventional path. Default: <see langword="false"/>.
    /// </summary>
    public bool UseDiscovery { get; set; }

    /// <summary>Gets or sets the client id. Default: <c>apiclient</c>.</summary>
    public string ClientId { get; set; } = OliDefaults.ClientId;

    /// <summary>Gets or sets the client secret, for a confidential Keycloak client; OLI's <c>apiclient</c> has none.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the user name.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets the realm's address: <c>{Authority}[/auth]/realms/{realm}</c>.</summary>
    public Uri RealmAddress => new(
        $"{Authority.AbsoluteUri.TrimEnd('/')}{(LegacyAuthPrefix ? "/auth" : string.Empty)}/realms/{Uri.EscapeDataString(Realm)}");

    /// <summary>Gets the realm's token endpoint by Keycloak's convention.</summary>
    public Uri TokenEndpoint => new(RealmAddress.AbsoluteUri + "/protocol/openid-connect/token");
}
