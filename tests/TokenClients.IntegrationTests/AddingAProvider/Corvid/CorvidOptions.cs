namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Settings of the Corvid adapter: a client id and secret, sent as JSON.</summary>
public sealed class CorvidOptions : TokenClientOptions
{
    /// <summary>Gets or sets Corvid's address. Default: <see cref="CorvidDefaults.BaseAddress"/>.</summary>
    public Uri BaseAddress { get; set; } = CorvidDefaults.BaseAddress;

    /// <summary>Gets or sets the client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(BaseAddress.AbsoluteUri.EndsWith('/') ? BaseAddress : new Uri(BaseAddress.AbsoluteUri + "/"), CorvidDefaults.TokenPath);
}
