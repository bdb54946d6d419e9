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
}
