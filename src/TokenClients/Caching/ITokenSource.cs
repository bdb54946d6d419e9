namespace TokenClients.Caching;

/// <summary>How a provider obtains a new token set for an entry: chosen once, when the provider is built.</summary>
internal interface ITokenSource
{
    /// <summary>Obtains a token set for <paramref name="entry"/>'s context; called by at most one fetch per entry at a time.</summary>
    Task<TokenSet> FetchAsync(TokenEntry entry, CancellationToken cancellationToken);
}
