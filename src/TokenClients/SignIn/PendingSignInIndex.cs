namespace TokenClients.OAuth2;

/// <summary>
/// The sign-ins started in this process, at most <c>capacity</c> of them (past it the oldest is dropped). An index in
/// start order (a FIFO of state and expiry) keeps starting a sign-in O(1) amortised: expired, redeemed and dropped
/// entries leave it from its head.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class PendingSignInIndex(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);
    private readonly Queue<(string State, PendingSignIn SignIn)> _order = new();
    private bool _atCapacity;

    /// <summary>Gets how many sign-ins may be pending here at once.</summary>
    public int Capacity => capacity;

    /// <summary>Gets how many sign-ins started here are waiting for their callback.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Gets the length of the start-order index, stale entries included (at most twice the capacity).</summary>
    public int IndexLength
    {
        get
        {
            lock (_gate)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Gets how many index entries starting sign-ins has looked at so far: the work of keeping the index trimmed.</summary>
    public long Examined { get; private set; }

    /// <summary>Adds a sign-in, dropping expired ones and, at capacity, the oldest.</summary>
    /// <param name="state">The sign-in's state.</param>
    /// <param name="entry">The sign-in, and whether it lives in the shared cache.</param>
    /// <param name="now">The current time.</param>
    /// <param name="reachedCapacity">Whether this start found the index full for the first time since it was last half empty.</param>
    /// <returns>The states of the shared sign-ins dropped unexpired, whose shared entries should go too.</returns>
    public List<string>? Add(string state, Entry entry, DateTimeOffset now, out bool reachedCapacity)
    {
        List<string>? dropped = null;
        reachedCapacity = false;
        lock (_gate)
        {
            while (_order.TryPeek(out var head))
            {
                Examined++;
                if (!_index.TryGetValue(head.State, out var current) || !ReferenceEquals(current.SignIn, head.SignIn))
                {
                    _order.Dequeue(); // redeemed (or dropped) already
                    continue;
                }

                var expired = head.SignIn.ExpiresAt <= now;
                if (!expired && _index.Count < capacity)
                {
                    break;
                }

                _order.Dequeue();
                _index.Remove(head.State);
                if (!expired && current.Shared)
                {
                    (dropped ??= []).Add(head.State);
                }

                if (!expired && !_atCapacity)
                {
                    _atCapacity = reachedCapacity = true;
                }
            }

            if (_order.Count / 2 >= capacity)
            {
                Compact();
            }

            if (_index.Count < capacity / 2)
            {
                _atCapacity = false;
            }

            _index[state] = entry;
            _order.Enqueue((state, entry.SignIn));
        }

        return dropped;
    }

    /// <summary>Removes the sign-in of <paramref name="state"/>, if it was started here.</summary>
    public Entry Remove(string state)
    {
        lock (_gate)
        {
            return _index.Remove(state, out var entry) ? entry : default;
        }
    }

    /// <summary>Rebuilds the index from the pending sign-ins alone (at most the capacity), when stale entries fill it.</summary>
    private void Compact()
    {
        var live = _order.Where(e => _index.TryGetValue(e.State, out var entry) && ReferenceEquals(entry.SignIn, e.SignIn)).ToList();
        Examined += _order.Count;
        _order.Clear();
        foreach (var item in live)
        {
            _order.Enqueue(item);
        }
    }

    /// <summary>A pending sign-in, and whether it lives in the shared cache (this instance only remembers its start).</summary>
    internal readonly record struct Entry(PendingSignIn SignIn, bool Shared);
}
