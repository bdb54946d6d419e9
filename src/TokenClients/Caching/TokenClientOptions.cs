namespace TokenClients;

/// <summary>Settings every token client shares.</summary>
public abstract class TokenClientOptions
{
    /// <summary>
    /// Gets or sets the lifetime assumed for an access token whose response carries no expiry and which is
    /// not a JWT with an <c>exp</c> claim. Default: 5 minutes.
    /// </summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
