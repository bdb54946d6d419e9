using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// The entries of one provider, one per <see cref="TokenContext"/>, bounded by
/// <see cref="TokenProviderOptions.MaxCachedContexts"/>.
/// </summary>
/// <remarks>
/// Lookups are lock-free. Adding an entry takes the table's gate, so concurrent misses cannot overshoot the bound; past it
/// the entries closest to expiry go. An entry is evicted only under its own lock and only while no fetch runs on it, and
/// a fetch starts only on an entry that is not evicted: one context never has two token requests in flight. Entries
/// whose fetch is in flight are kept, so the table exceeds the bound only by those, and is trimmed back as they end.
/// </remarks>
internal sealed class TokenEntryTable(TokenProvider owner, int maxEntries, ILogger logger)
{
    private readonly ConcurrentDictionary<TokenContext, TokenEntry> _entries = new();

    // The same entries of contexts that name only a user (TokenContext.ForSubject), by the user's id: a request that
    // names its user by id finds the token without building a context. Changed only under the gate (and by sign-out).
    private readonly ConcurrentDictionary<string, TokenEntry> _subjects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // The default context's entry, kept out of the dictionary lookup: the common case costs one field read.
    private volatile TokenEntry? _default;

    public int Count => _entries.Count;

    /// <summary>
    /// The entry of a context: the default's field, else a lock-free dictionary lookup (the context's hash is computed
    /// once, when it is built, and equality compares its strings).
    /// </summary>
    public TokenEntry? Find(TokenContext context)
    {
        if (ReferenceEquals(context, TokenContext.Default))
        {
            return _default is { Evicted: false } found ? found : _entries.GetValueOrDefault(context);
        }

        return _entries.GetValueOrDefault(context);
    }

    /// <summary>The entry of <c>TokenContext.ForSubject(subject)</c>, when the table holds one.</summary>
    public TokenEntry? FindSubject(string subject) =>
        _subjects.TryGetValue(subject, out var entry) && !entry.Evicted ? entry : null;

    public TokenEntry GetOrAdd(TokenContext context)
    {
        if (!_entries.TryGetValue(context, out var entry))
        {
            lock (_gate)
            {
                if (!_entries.TryGetValue(context, out entry))
                {
                    if (_entries.Count >= maxEntries)
                    {
                        EvictLocked();
                    }

                    entry = new TokenEntry(context);
                    _entries[context] = entry;
                    if (entry.IsSubjectDefault)
                    {
                        _subjects[context.Subject!] = entry;
                    }
                }
            }
        }

        if (ReferenceEquals(context, TokenContext.Default))
        {
            _default = entry;
        }

        return entry;
    }

    /// <summary>
    /// Drops every entry of <paramref name="subject"/> (the user signed out): each is marked signed out and evicted under
    /// its lock, so no later caller finds it and a fetch still running on it hands nothing out.
    /// </summary>
    public void RemoveSubject(string subject)
    {
        foreach (var entry in _entries.Values)
        {
            if (!string.Equals(entry.Context.Subject, subject, StringComparison.Ordinal))
            {
                continue;
            }

            lock (entry)
            {
                entry.SignedOut = true;
                entry.Evicted = true;
                entry.Current = null;
                entry.Last = null;
            }

            _entries.TryRemove(new KeyValuePair<TokenContext, TokenEntry>(entry.Context, entry));
            _subjects.TryRemove(new KeyValuePair<string, TokenEntry>(subject, entry));
        }
    }

    /// <summary>Brings the table back under its bound once fetches that kept it over have ended.</summary>
    public void TrimIfOver()
    {
        if (_entries.Count > maxEntries)
        {
            lock (_gate)
            {
                if (_entries.Count > maxEntries)
                {
                    EvictLocked();
                }
            }
        }
    }

    private void EvictLocked()
    {
        var excess = _entries.Count - (maxEntries * 9 / 10);
        if (excess <= 0)
        {
            return;
        }

        // Entries closest to expiry go first; an entry with a fetch in flight stays.
        var candidates = _entries.Values
            .Where(entry => Volatile.Read(ref entry.InFlight) is null)
            .OrderBy(entry => entry.Current?.UsableUntilTicks ?? long.MinValue)
            .Take(excess)
            .ToList();
        var evicted = 0;
        foreach (var entry in candidates)
        {
            lock (entry)
            {
                // A fetch may have started since the snapshot above: then the entry stays.
                if (entry.InFlight is not null)
                {
                    continue;
                }

                entry.Evicted = true;
            }

            _entries.TryRemove(new KeyValuePair<TokenContext, TokenEntry>(entry.Context, entry));
            if (entry.Context.Subject is { } subject)
            {
                _subjects.TryRemove(new KeyValuePair<string, TokenEntry>(subject, entry));
            }

            if (ReferenceEquals(entry, _default))
            {
                _default = null;
            }

            evicted++;
        }

        Safe.Log(logger, static (l, state) => Log.CacheEvicted(l, state.Name, state.Count, state.Limit), (owner.Name, Count: evicted, Limit: maxEntries));
    }
}
