using System.Collections.Concurrent;

namespace TokenClients.Caching;

/// <summary>
/// The access tokens an API rejected lately, per provider: a copy of one found in the store or the shared cache is
/// never served again, even by an entry created after the one that saw the rejection was evicted.
/// </summary>
/// <remarks>Bounded: the oldest are forgotten first; by then the store and shared cache hold newer tokens.</remarks>
internal sealed class RejectedTokens
{
    private const int Capacity = 1024;
    private readonly ConcurrentDictionary<string, byte> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();

    public void Add(string accessToken)
    {
        if (_tokens.TryAdd(accessToken, 0))
        {
            _order.Enqueue(accessToken);
            while (_order.Count > Capacity && _order.TryDequeue(out var oldest))
            {
                _tokens.TryRemove(oldest, out _);
            }
        }
    }

    public bool Contains(string accessToken) => !_tokens.IsEmpty && _tokens.ContainsKey(accessToken);
}
