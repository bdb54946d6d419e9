using Microsoft.Extensions.Caching.Distributed;

namespace TokenClients.RedisTests.Support;

/// <summary>A shared cache whose readers of a sign-in key meet at a <see cref="Rendezvous"/> after reading, as a slow network makes them.</summary>
public sealed class RendezvousCache(IDistributedCache inner, Rendezvous rendezvous) : IDistributedCache, IDisposable
{
    public void Dispose() => (inner as IDisposable)?.Dispose();

    public byte[]? Get(string key) => inner.Get(key);

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var value = await inner.GetAsync(key, token);
        if (key.Contains("signin:", StringComparison.Ordinal))
        {
            await rendezvous.MeetAsync(key, token);
        }

        return value;
    }

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        inner.SetAsync(key, value, options, token);
}
