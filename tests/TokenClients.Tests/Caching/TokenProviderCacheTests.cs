using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>What the provider keeps, for how long, per context, and when it lets go.</summary>
public sealed class TokenProviderCacheTests : TokenProviderTestBase
{
    [Fact]
    public async Task Cached_token_is_reused_until_its_refresh_window()
    {
        var first = await Provider.GetTokenAsync();
        Time.Advance(TimeSpan.FromMinutes(50));
        var second = await Provider.GetTokenAsync();

        Assert.Same(first, second);
        Assert.Equal(1, Client.Requests);
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
        Time.Advance(TimeSpan.FromHours(1));

        var second = await Provider.GetTokenAsync();

        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(2, Client.Requests);
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
        Assert.Equal(2, Client.Requests);
    }

    [Fact]
    public async Task Contexts_are_cached_separately_and_by_value()
    {
        var a = await Provider.GetTokenAsync(new TokenContext(scope: "a", parameters: [new("x", "1"), new("y", "2")]));
        var again = await Provider.GetTokenAsync(new TokenContext(scope: "a", parameters: [new("y", "2"), new("x", "1")]));
        var b = await Provider.GetTokenAsync(new TokenContext(scope: "b"));

        Assert.Same(a, again);
        Assert.NotEqual(a.Value, b.Value);
        Assert.Equal(2, Client.Requests);
    }

    [Fact]
    public async Task Cache_stays_bounded_with_many_distinct_contexts()
    {
        Provider = Create(new TokenProviderOptions { MaxCachedContexts = 100 });

        for (var i = 0; i < 1000; i++)
        {
            await Provider.GetTokenAsync(new TokenContext(subject: $"user-{i}"));
        }

        Assert.InRange(Provider.CachedContextCount, 1, 100);
    }

    [Fact]
    public async Task Kept_context_reuses_its_entry_until_the_entry_is_evicted()
    {
        Provider = Create(new TokenProviderOptions { MaxCachedContexts = 10 });
        var alice = TokenContext.ForSubject("alice");
        var first = await Provider.GetTokenAsync(alice);
        Assert.Same(first, await Provider.GetTokenAsync(alice));
        Assert.Same(first, await Provider.GetTokenAsync(TokenContext.ForSubject("alice"))); // an equal context finds it too
        var requests = Client.Requests;

        // Alice's token is the closest to expiry of all: the first to go when the cache is full.
        Time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 20; i++)
        {
            await Provider.GetTokenAsync(TokenContext.ForSubject($"user-{i}"));
        }

        var afterEviction = await Provider.GetTokenAsync(alice);
        Assert.NotSame(first, afterEviction);
        Assert.Equal(requests + 21, Client.Requests);
    }

    [Fact]
    public async Task Short_lived_tokens_are_reused_for_most_of_their_life()
    {
        Client.Lifetime = TimeSpan.FromSeconds(30);
        await Provider.GetTokenAsync();

        for (var i = 0; i < 20; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Provider.GetTokenAsync();
        }

        Assert.Equal(1, Client.Requests);
    }

    [Fact]
    public async Task Token_already_expired_on_arrival_is_an_error()
    {
        Client.OnRequest = _ => new TokenSet { AccessToken = "old", ExpiresAt = Time.GetUtcNow().AddSeconds(-1) };

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Provider.GetTokenAsync().AsTask());

        Assert.Contains("already expired", error.Message, StringComparison.Ordinal);
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
