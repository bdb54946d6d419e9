using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace TokenClients.RedisTests.Support;

/// <summary>Where the readers of one pending sign-in, in any instance, meet before any of them goes on (bounded).</summary>
public sealed class Rendezvous
{
    private readonly ConcurrentDictionary<string, Barrier> _barriers = new(StringComparer.Ordinal);

    public Task MeetAsync(string key, CancellationToken cancellationToken) =>
        Task.Run(() => _barriers.GetOrAdd(key, _ => new Barrier(2)).SignalAndWait(TimeSpan.FromSeconds(5), cancellationToken), cancellationToken);
}

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
