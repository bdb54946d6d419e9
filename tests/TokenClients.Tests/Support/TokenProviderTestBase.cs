using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;

namespace TokenClients.Tests.Support;

/// <summary>A <see cref="TokenProvider"/> named "test" over a <see cref="FakeTokenClient"/>, a fake clock and an in-memory store.</summary>
public abstract class TokenProviderTestBase : IDisposable
{
    private TokenProvider? _provider;

    protected TokenProviderTestBase() => Client = new FakeTokenClient(Time);

    private protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private protected FakeTokenClient Client { get; }

    private protected InMemoryTokenStore Store { get; } = new();

    /// <summary>Gets the provider, created with default options on first use, or sets one made by <see cref="Create"/>.</summary>
    private protected TokenProvider Provider
    {
        get => _provider ??= Create();
        set => _provider = value;
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    private protected TokenProvider Create(TokenProviderOptions? options = null) =>
        new("test", Client, options ?? new TokenProviderOptions(), Time, NullLogger.Instance, Store);

    /// <summary>Gets the token a cache hit serves right now, or null when the call does not complete synchronously.</summary>
    private protected AccessToken? Hit() => Provider.GetTokenAsync().AsTask() is { IsCompletedSuccessfully: true } hit ? hit.Result : null;

    private protected static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _provider?.Dispose();
        }
    }
}
