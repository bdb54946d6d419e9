namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Settings of the Corvid adapter: a client id and secret, sent as JSON.</summary>
public sealed class CorvidOptions : TokenClientOptions
{
    /// <summary>Gets or sets Corvid's address. Default: <see cref="CorvidDefaults.Authority"/>.</summary>
    public Uri Authority { get; set; } = CorvidDefaults.Authority;

    /// <summary>Gets or sets the client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(Authority.AbsoluteUri.EndsWith('/') ? Authority : new Uri(Authority.AbsoluteUri + "/"), CorvidDefaults.TokenPath);
}
