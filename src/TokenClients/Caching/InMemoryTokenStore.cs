using System.Collections.Concurrent;

namespace TokenClients;

/// <summary>The default <see cref="ITokenStore"/>: token sets in process memory, lost on restart.</summary>
public sealed class InMemoryTokenStore : ITokenStore
{
    private readonly ConcurrentDictionary<(string Provider, string Subject), TokenSet> _tokens = new();

    /// <inheritdoc/>
    public ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default) =>
        new(_tokens.TryGetValue((providerName, subject), out var tokens) ? tokens : null);

    /// <inheritdoc/>
    public ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens[(providerName, subject)] = tokens;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        _tokens.TryRemove((providerName, subject), out _);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryReplaceAsync(string providerName, string subject, TokenSet expected, TokenSet replacement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(replacement);
        var key = (providerName, subject);

        // The instance held is the comparand, so the swap is atomic.
        return new(_tokens.TryGetValue(key, out var current) && TokenSetIdentity.Same(current, expected) && _tokens.TryUpdate(key, replacement, current));
    }

    /// <inheritdoc/>
    public ValueTask<bool> TryRemoveAsync(string providerName, string subject, TokenSet expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var key = (providerName, subject);
        return new(_tokens.TryGetValue(key, out var current) && TokenSetIdentity.Same(current, expected)
            && _tokens.TryRemove(new KeyValuePair<(string, string), TokenSet>(key, current)));
    }
}
