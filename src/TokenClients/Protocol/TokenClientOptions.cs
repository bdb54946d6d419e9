namespace TokenClients;

/// <summary>Settings every token client shares.</summary>
public abstract class TokenClientOptions
{
    /// <summary>
    /// Gets or sets the lifetime assumed for an access token whose response carries no expiry and which is
    /// not a JWT with an <c>exp</c> claim. Default: 5 minutes.
    /// </summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets the token types, besides <c>Bearer</c>, this provider accepts from its token endpoint (for example <c>DPoP</c>),
    /// compared in any case and attached in the spelling given here. A <c>token_type</c> of <c>Bearer</c> in any case, or
    /// none, is always a bearer token; any other type not listed fails the token request. Default: empty.
    /// </summary>
    public IList<string> AcceptedTokenTypes { get; } = [];

    /// <summary>Copies the settings of this base class to the options a vendor preset builds.</summary>
    internal void CopyTokenClientSettingsTo(TokenClientOptions target)
    {
        target.DefaultTokenLifetime = DefaultTokenLifetime;
        foreach (var type in AcceptedTokenTypes)
        {
            target.AcceptedTokenTypes.Add(type);
        }
    }
}
