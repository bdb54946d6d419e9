namespace TokenClients.Caching;

/// <summary>
/// The durable <see cref="ITokenStore"/> of signed-in users' token sets shared by the instances of an application: the
/// protected store over an <see cref="ISharedTokenBackend"/> (Redis with <c>AddTokenClientsRedis</c>, else the
/// application's distributed cache), each set kept under a key of <see cref="SharedTokenKeys"/> while its refresh token
/// lives. Compare-and-set is the backend's: atomic on Redis, serialised by the <see cref="ITokenLock"/> over the
/// distributed cache, and not atomic there without a lock (refused at start for providers of signed-in users).
/// </summary>
internal sealed class SharedTokenStore(ProtectedStore<TokenSetData> store, SharedTokenKeys keys, TimeProvider time) : ITokenStore
{
    /// <summary>Gets a value indicating whether compare-and-set is atomic across instances.</summary>
    public bool IsAtomic => store.Backend is not DistributedCacheBackend { HasLock: false };

    public async ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default) =>
        (await store.GetAsync(await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))?.ToTokenSet();

    public async ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        await store.SetAsync(key, TokenSetData.From(tokens), TimeToLive(tokens), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default) =>
        await store.RemoveAsync(await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    public async ValueTask<bool> TryReplaceAsync(string providerName, string subject, TokenSet expected, TokenSet replacement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        return await store.TryReplaceAsync(key, TokenSetData.From(expected), TokenSetData.From(replacement), TimeToLive(replacement), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> TryRemoveAsync(string providerName, string subject, TokenSet expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var key = await KeyAsync(providerName, subject, cancellationToken).ConfigureAwait(false);
        return await store.TryRemoveAsync(key, TokenSetData.From(expected), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long a set is worth keeping: while its refresh token lives; with no known end, until removed.</summary>
    private TimeSpan? TimeToLive(TokenSet tokens)
    {
        var now = time.GetUtcNow();
        return tokens.RefreshTokenExpiresAt is { } end && end > tokens.ExpiresAt && end > now ? end - now : null;
    }

    private ValueTask<string> KeyAsync(string providerName, string subject, CancellationToken cancellationToken) =>
        keys.ForSubjectAsync(providerName, subject, cancellationToken);
}
