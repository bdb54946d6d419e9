using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>What the provider does when the token endpoint, the logger, the API or the cache bound misbehave.</summary>
public sealed class TokenProviderFaultTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenClient _client;
    private TokenProvider? _provider;

    public TokenProviderFaultTests() => _client = new FakeTokenClient(_time);

    public void Dispose() => _provider?.Dispose();

    [Fact]
    public async Task Refreshed_set_refused_as_already_expired_keeps_its_rotated_refresh_token()
    {
        var provider = Create();
        _client.IssueRefreshTokens = true;
        await provider.GetTokenAsync();
        _time.Advance(TimeSpan.FromHours(1));
        _client.OnRefresh = _ => new TokenSet { AccessToken = "skewed", ExpiresAt = _time.GetUtcNow().AddSeconds(-5), RefreshToken = "rt-rotated" };

        await Assert.ThrowsAsync<TokenRequestException>(() => provider.GetTokenAsync().AsTask());
        _client.OnRefresh = null;
        await provider.GetTokenAsync();

        Assert.Equal(["refresh-1", "rt-rotated"], _client.RefreshTokensSeen);
    }

    [Fact]
    public async Task A_logger_that_throws_never_leaves_callers_waiting()
    {
        var provider = Create(logger: new ThrowingLogger());
        _client.OnRequest = _ => throw new TokenRequestException("test", HttpStatusCode.ServiceUnavailable, null, null);
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task;

        var callers = Enumerable.Range(0, 5).Select(_ => provider.GetTokenAsync().AsTask()).ToArray();
        gate.SetResult();

        foreach (var caller in callers)
        {
            await Assert.ThrowsAsync<TokenRequestException>(() => caller.WaitAsync(Bound));
        }

        _client.OnRequest = null;
        Assert.NotNull(await provider.GetTokenAsync().AsTask().WaitAsync(Bound)); // success is logged too, and still served
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Api_rejecting_every_token_costs_one_token_request_per_cooldown()
    {
        var provider = Create();
        var first = await provider.GetTokenAsync();

        // The handler's 401 path: invalidate what was sent, take what the provider gives next.
        var current = first;
        for (var i = 0; i < 10; i++)
        {
            await provider.InvalidateAsync(current);
            current = await provider.GetTokenAsync();
        }

        Assert.Equal(2, _client.Requests); // the first token and one replacement, kept while the API refuses everything
        _time.Advance(new TokenProviderOptions().RejectedTokenCooldown);
        await provider.InvalidateAsync(current);
        Assert.NotEqual(current.Value, (await provider.GetTokenAsync()).Value);
        Assert.Equal(3, _client.Requests);
    }

    [Fact]
    public async Task Access_token_a_header_cannot_carry_is_refused_and_not_cached()
    {
        var provider = Create();
        _client.OnRequest = _ => new TokenSet { AccessToken = "t\u00f8ken", ExpiresAt = _time.GetUtcNow().AddHours(1) };

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => provider.GetTokenAsync().AsTask());
        _client.OnRequest = null;
        var token = await provider.GetTokenAsync();

        Assert.Contains("visible ASCII", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t\u00f8ken", error.Message, StringComparison.Ordinal);
        Assert.Equal("access-1", token.Value);
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Concurrent_misses_of_many_contexts_end_within_the_cache_bound()
    {
        var provider = Create(new TokenProviderOptions { MaxCachedContexts = 10 });
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task; // every miss is in flight at once

        var callers = Enumerable.Range(0, 200).Select(i => provider.GetTokenAsync(TokenContext.ForSubject($"user-{i}")).AsTask()).ToArray();
        gate.SetResult();
        await Task.WhenAll(callers).WaitAsync(Bound);

        Assert.InRange(provider.CachedContextCount, 1, 10);
    }

    private TokenProvider Create(TokenProviderOptions? options = null, ILogger? logger = null) =>
        _provider = new TokenProvider("test", _client, options ?? new TokenProviderOptions(), _time, logger ?? NullLogger.Instance, new InMemoryTokenStore());

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("The log sink is down.");
    }
}
