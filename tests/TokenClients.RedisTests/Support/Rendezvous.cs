using System.Collections.Concurrent;

namespace TokenClients.RedisTests.Support;

/// <summary>Where the readers of one pending sign-in, in any instance, meet before any of them goes on (bounded).</summary>
public sealed class Rendezvous
{
    private readonly ConcurrentDictionary<string, Barrier> _barriers = new(StringComparer.Ordinal);

    public Task MeetAsync(string key, CancellationToken cancellationToken) =>
        Task.Run(() => _barriers.GetOrAdd(key, _ => new Barrier(2)).SignalAndWait(TimeSpan.FromSeconds(5), cancellationToken), cancellationToken);
}
