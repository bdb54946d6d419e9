using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

public sealed class TokenProviderTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly FakeTokenClient _client;
    private readonly InMemoryTokenStore _store = new();
    private TokenProvider? _provider;

    public TokenProviderTests() => _client = new FakeTokenClient(_time);

    private TokenProvider Provider => _provider ??= Create();

    public void Dispose() => _provider?.Dispose();

    private TokenProvider Create(TokenProviderOptions? options = null) =>
        new("test", _client, options ?? new TokenProviderOptions(), _time, NullLogger.Instance, _store);

    [Fact]
    public async Task Cached_token_is_reused_until_its_refresh_window()
    {
        var first = await Provider.GetTokenAsync();
        _time.Advance(TimeSpan.FromMinutes(50));
        var second = await Provider.GetTokenAsync();

        Assert.Same(first, second);
        Assert.Equal(1, _client.Requests);
    }

    [Fact]
    public async Task Cache_hit_completes_synchronously()
    {
        await Provider.GetTokenAsync();

        var hit = Provider.GetTokenAsync();

        Assert.True(hit.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Expired_token_is_replaced_by_a_new_request()
    {
        var first = await Provider.GetTokenAsync();
        _time.Advance(TimeSpan.FromHours(1));

        var second = await Provider.GetTokenAsync();

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Thousand_concurrent_callers_on_a_cold_key_cause_exactly_one_request()
    {
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task;

        var provider = Provider; // created once, before the callers race
        var callers = Enumerable.Range(0, 1000).Select(_ => Task.Run(() => provider.GetTokenAsync().AsTask())).ToArray();
        while (_client.Requests == 0)
        {
            await Task.Yield();
        }

        gate.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.Equal(1, _client.Requests);
        Assert.Single(tokens.Select(t => t.Value).Distinct());
    }

    [Fact]
    public async Task Failure_reaches_every_waiter_and_is_not_cached()
    {
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task;
        _client.OnRequest = _ => throw new TokenRequestException("test", System.Net.HttpStatusCode.ServiceUnavailable, null, null);

        var waiters = Enumerable.Range(0, 10).Select(_ => Provider.GetTokenAsync().AsTask()).ToArray();
        gate.SetResult();

        foreach (var waiter in waiters)
        {
            await Assert.ThrowsAsync<TokenRequestException>(() => waiter);
        }

        Assert.Equal(1, _client.Requests);
        _client.OnRequest = null;
        var token = await Provider.GetTokenAsync();
        Assert.Equal(2, _client.Requests);
        Assert.NotNull(token);
    }

    [Fact]
    public async Task A_caller_that_cancels_does_not_cancel_the_shared_request()
    {
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task;
        using var cancel = new CancellationTokenSource();

        var cancelled = Provider.GetTokenAsync(cancellationToken: cancel.Token).AsTask();
        var patient = Provider.GetTokenAsync().AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(patient.IsCompleted);
        gate.SetResult();
        Assert.NotNull(await patient);
        Assert.Equal(1, _client.Requests);
    }

    [Fact]
    public async Task Refresh_ahead_serves_the_current_token_while_one_background_refresh_runs()
    {
        var first = await Provider.GetTokenAsync();
        var gate = new TaskCompletionSource();
        _client.Gate = gate.Task;
        _time.Advance(TimeSpan.FromMinutes(56)); // inside the 5-minute window before the 30-second skew

        var during = Enumerable.Range(0, 50).Select(_ => Provider.GetTokenAsync()).ToArray();

        Assert.All(during, hit => Assert.True(hit.IsCompletedSuccessfully));
        Assert.All(during, hit => Assert.Same(first, hit.Result));
        await WaitUntil(() => _client.Requests == 2);
        gate.SetResult();
        await WaitUntil(() => Provider.GetTokenAsync().AsTask() is { IsCompletedSuccessfully: true } hit && hit.Result.Value != first.Value);
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Refresh_returning_a_token_no_fresher_backs_off()
    {
        var stale = _client.Issue("same-token", TimeSpan.FromHours(1));
        _client.OnRequest = _ => stale;
        var first = await Provider.GetTokenAsync();
        _time.Advance(TimeSpan.FromMinutes(56));
        await Provider.GetTokenAsync();
        await WaitUntil(() => Hit() is { } snapshot && !ReferenceEquals(snapshot, first)); // the refresh landed: same value, new snapshot

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Provider.GetTokenAsync();
        }

        Assert.Equal(2, _client.Requests);

        // The backoff has passed and the token is inside its (recomputed) refresh window again: one more try.
        _time.SetUtcNow(new DateTimeOffset(2026, 1, 1, 0, 59, 0, TimeSpan.Zero));
        await Provider.GetTokenAsync();
        await WaitUntil(() => _client.Requests == 3);
    }

    private AccessToken? Hit() => Provider.GetTokenAsync().AsTask() is { IsCompletedSuccessfully: true } hit ? hit.Result : null;

    [Fact]
    public async Task Refresh_token_is_used_when_there_is_one()
    {
        _client.IssueRefreshTokens = true;
        await Provider.GetTokenAsync();
        _time.Advance(TimeSpan.FromHours(1));

        await Provider.GetTokenAsync();

        Assert.Equal(1, _client.Requests);
        Assert.Equal(["refresh-1"], _client.RefreshTokensSeen);
    }

    [Fact]
    public async Task Refresh_token_rejected_falls_back_to_a_new_token_request()
    {
        _client.IssueRefreshTokens = true;
        await Provider.GetTokenAsync();
        _client.OnRefresh = _ => throw FakeTokenClient.InvalidGrant();
        _time.Advance(TimeSpan.FromHours(1));

        var token = await Provider.GetTokenAsync();

        Assert.Equal(1, _client.Refreshes);
        Assert.Equal(2, _client.Requests);
        Assert.Equal("access-2", token.Value);
    }

    [Fact]
    public async Task Refresh_rejected_in_an_interactive_flow_requires_interaction_and_forgets_the_user()
    {
        _client.RequiresInteraction = true;
        await _store.SetAsync("test", "alice", _client.Issue("a1") is var t ? new TokenSet { AccessToken = t.AccessToken, ExpiresAt = t.ExpiresAt, RefreshToken = "rt-1" } : null!);
        var alice = TokenContext.ForSubject("alice");
        Assert.Equal("a1", (await Provider.GetTokenAsync(alice)).Value);
        _client.OnRefresh = _ => throw FakeTokenClient.InvalidGrant();
        _time.Advance(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() => Provider.GetTokenAsync(alice).AsTask());

        Assert.Equal("alice", error.Subject);
        Assert.Null(await _store.GetAsync("test", "alice"));
        Assert.Equal(0, _client.Requests);
    }

    [Fact]
    public async Task Interactive_refresh_keeps_the_newest_rotated_refresh_token_in_the_store()
    {
        _client.RequiresInteraction = true;
        await _store.SetAsync("test", "alice", new TokenSet { AccessToken = "a1", ExpiresAt = _time.GetUtcNow().AddHours(1), RefreshToken = "rt-1" });
        _client.OnRefresh = rt => new TokenSet { AccessToken = "a2", ExpiresAt = _time.GetUtcNow().AddHours(1), RefreshToken = "rt-2" };
        _time.Advance(TimeSpan.FromHours(1));

        var token = await Provider.GetTokenAsync(TokenContext.ForSubject("alice"));

        Assert.Equal("a2", token.Value);
        Assert.Equal("rt-2", (await _store.GetAsync("test", "alice"))!.RefreshToken);
    }

    [Fact]
    public async Task Interactive_flow_without_stored_tokens_requires_interaction()
    {
        _client.RequiresInteraction = true;

        await Assert.ThrowsAsync<InteractionRequiredException>(() => Provider.GetTokenAsync(TokenContext.ForSubject("bob")).AsTask());
    }

    [Fact]
    public async Task Invalidate_drops_only_the_token_that_was_rejected()
    {
        var first = await Provider.GetTokenAsync();
        await Provider.InvalidateAsync(first);
        var second = await Provider.GetTokenAsync();

        await Provider.InvalidateAsync(first); // a late 401 for the old token
        var third = await Provider.GetTokenAsync();

        Assert.NotEqual(first.Value, second.Value);
        Assert.Same(second, third);
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Contexts_are_cached_separately_and_by_value()
    {
        var a = await Provider.GetTokenAsync(new TokenContext(scope: "a", parameters: [new("x", "1"), new("y", "2")]));
        var again = await Provider.GetTokenAsync(new TokenContext(scope: "a", parameters: [new("y", "2"), new("x", "1")]));
        var b = await Provider.GetTokenAsync(new TokenContext(scope: "b"));

        Assert.Same(a, again);
        Assert.NotEqual(a.Value, b.Value);
        Assert.Equal(2, _client.Requests);
    }

    [Fact]
    public async Task Cache_stays_bounded_with_many_distinct_contexts()
    {
        _provider = Create(new TokenProviderOptions { MaxCachedContexts = 100 });

        for (var i = 0; i < 1000; i++)
        {
            await Provider.GetTokenAsync(new TokenContext(subject: $"user-{i}"));
        }

        Assert.InRange(Provider.CachedContextCount, 1, 100);
    }

    [Fact]
    public async Task Kept_context_reuses_its_entry_until_the_entry_is_evicted()
    {
        _provider = Create(new TokenProviderOptions { MaxCachedContexts = 10 });
        var alice = TokenContext.ForSubject("alice");
        var first = await Provider.GetTokenAsync(alice);
        Assert.Same(first, await Provider.GetTokenAsync(alice));
        Assert.Same(first, await Provider.GetTokenAsync(TokenContext.ForSubject("alice"))); // an equal context finds it too
        var requests = _client.Requests;

        // Alice's token is the closest to expiry of all: the first to go when the cache is full.
        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++)
        {
            await Provider.GetTokenAsync(TokenContext.ForSubject($"user-{i}"));
        }

        var afterEviction = await Provider.GetTokenAsync(alice);
        Assert.NotSame(first, afterEviction);
        Assert.Equal(requests + 21, _client.Requests);
    }

    [Fact]
    public async Task Short_lived_tokens_are_reused_for_most_of_their_life()
    {
        _client.Lifetime = TimeSpan.FromSeconds(30);
        await Provider.GetTokenAsync();

        for (var i = 0; i < 20; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Provider.GetTokenAsync();
        }

        Assert.Equal(1, _client.Requests);
    }

    [Fact]
    public async Task Token_already_expired_on_arrival_is_an_error()
    {
        _client.OnRequest = _ => new TokenSet { AccessToken = "old", ExpiresAt = _time.GetUtcNow().AddSeconds(-1) };

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Provider.GetTokenAsync().AsTask());

        Assert.Contains("already expired", error.Message, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    [Fact]
    public async Task Disposed_provider_serves_nothing_and_may_be_disposed_again()
    {
        await Provider.GetTokenAsync();
        Provider.Dispose();
        Provider.Dispose();

        // A cached token is not served either: the interface promises ObjectDisposedException after disposal.
        Assert.Throws<ObjectDisposedException>(() => Consume(Provider.GetTokenAsync()));
        Assert.Throws<ObjectDisposedException>(() => Consume(Provider.GetTokenAsync(TokenContext.ForSubject("new"))));
    }

    private static void Consume(ValueTask<AccessToken> pending) => _ = pending.AsTask();
}
