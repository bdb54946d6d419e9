namespace TokenClients.Caching;

/// <summary>
/// The shared token cache over the application's <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
/// (Redis, SQL Server, … — the same one HybridCache uses as its second level), through the protected store: each entry
/// encrypted with Data Protection and bound to its key, kept until its access token expires.
/// </summary>
internal sealed class DistributedTokenCache(ProtectedStore<TokenSetData> store, TimeProvider time) : ITokenCache
{
    public async ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        (await store.GetAsync(key, cancellationToken).ConfigureAwait(false))?.ToTokenSet();

    public async ValueTask SetAsync(string key, TokenSet tokens, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        var lifetime = expiresAt - time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            return;
        }

        await store.SetAsync(key, TokenSetData.From(tokens), lifetime, cancellationToken).ConfigureAwait(false);
    }
}
