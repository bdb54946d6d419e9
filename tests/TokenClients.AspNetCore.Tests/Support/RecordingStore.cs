namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>An in-memory token store that records every write.</summary>
internal sealed class RecordingStore : ITokenStore
{
    private readonly Dictionary<(string, string), TokenSet> _sets = [];

    public List<(string Provider, string Subject, TokenSet Tokens)> Writes { get; } = [];

    public ValueTask<TokenSet?> GetAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        lock (_sets)
        {
            return ValueTask.FromResult(_sets.GetValueOrDefault((providerName, subject)));
        }
    }

    public ValueTask SetAsync(string providerName, string subject, TokenSet tokens, CancellationToken cancellationToken = default)
    {
        lock (_sets)
        {
            _sets[(providerName, subject)] = tokens;
            Writes.Add((providerName, subject, tokens));
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RemoveAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        lock (_sets)
        {
            _sets.Remove((providerName, subject));
        }

        return ValueTask.CompletedTask;
    }
}
