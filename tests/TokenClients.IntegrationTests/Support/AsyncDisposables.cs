namespace TokenClients.IntegrationTests.Support;

/// <summary>Disposes several resources at the end of a test, in reverse order.</summary>
internal sealed class AsyncDisposables(IEnumerable<IAsyncDisposable> items) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _items = [.. items];

    public async ValueTask DisposeAsync()
    {
        for (var i = _items.Count - 1; i >= 0; i--)
        {
            await _items[i].DisposeAsync();
        }
    }
}
