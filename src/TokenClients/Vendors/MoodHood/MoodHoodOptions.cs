using System.ComponentModel;

namespace TokenClients.Vendors.MoodHood;

/// <summary>
/// Settings of the MoodHood adapter. With <see cref="Username"/> and <see cref="Password"/> the provider hands out user
/// tokens (obtained with the client token as Bearer); without them, the client token itself.
/// </summary>
public sealed class MoodHoodOptions : TokenClientOptions
{
    private RenamedSetting<Uri> _authority = new(MoodHoodDefaults.BaseAddress);

    /// <summary>Gets or sets MoodHood's address, that of its token endpoint. Default: <see cref="MoodHoodDefaults.BaseAddress"/>.</summary>
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

    /// <summary>Gets or sets the clientId from MoodHood's Integration page.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the user name, for user tokens.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the user's password. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// Gets or sets whether the account may use the <c>refresh_token</c> grant. Default: <see langword="true"/>. Set it
    /// to <see langword="false"/> for a MoodHood account without a refresh grant: renewals then request a new token
    /// (client credentials, or the user's password) straight away instead of first sending a refresh MoodHood refuses.
    /// </summary>
    public bool UseRefreshTokens { get; set; } = true;

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(Authority.AbsoluteUri.EndsWith('/') ? Authority : new Uri(Authority.AbsoluteUri + "/"), MoodHoodDefaults.TokenPath);
}
