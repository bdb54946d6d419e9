using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using TokenClients.Caching;

namespace TokenClients.Tests.Caching;

/// <summary>
/// The shared cache, lock and store of many instances: one-time credentials are never presented twice, the store's
/// compare-and-set is serialised, keys are keyed with a secret and with the client's configuration.
/// </summary>
public sealed partial class SharedCacheSafetyTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task One_time_refresh_waiter_never_fetches_while_another_instance_holds_the_lock()
    {
        var tokenLock = new InProcessTokenLock(_time);
        var holder = Coordinator(tokenLock);
        var waiter = Coordinator(tokenLock);
        TokenSet? published = null;
        var holderAnswer = new TaskCompletionSource<TokenSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiterFetches = 0;
        ValueTask<TokenSet?> Read(CancellationToken _) => ValueTask.FromResult(Volatile.Read(ref published));
        ValueTask Publish(TokenSet tokens, CancellationToken _)
        {
            Volatile.Write(ref published, tokens);
            return ValueTask.CompletedTask;
        }

        var holding = holder.SingleFlightAsync("users", "alice", Read, t => t.AccessToken.Length > 0, _ => holderAnswer.Task, Publish, oneTimeCredential: true, CancellationToken.None);
        Assert.Equal(1, tokenLock.Held);
        var waiting = waiter.SingleFlightAsync("users", "alice", Read, t => t.AccessToken.Length > 0, _ =>
        {
            Interlocked.Increment(ref waiterFetches);
            return Task.FromResult(Set("waiter"));
        }, Publish, oneTimeCredential: true, CancellationToken.None);

        // Twice the lock wait (5 seconds) passes while the holder's refresh is still running.
        await AdvanceAsync(TimeSpan.FromSeconds(10), () => waiting.IsCompleted);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref waiterFetches));

        holderAnswer.SetResult(Set("holder"));
        Assert.Equal("access-holder", (await holding.WaitAsync(Bound)).AccessToken);
        await AdvanceAsync(TimeSpan.FromSeconds(1), () => waiting.IsCompleted);

        Assert.Equal("access-holder", (await waiting.WaitAsync(Bound)).AccessToken);
        Assert.Equal(0, Volatile.Read(ref waiterFetches));
    }

    [Fact]
    public async Task One_time_refresh_waiter_takes_over_only_after_the_holders_lock_expired_and_reads_again_first()
    {
        var tokenLock = new InProcessTokenLock(_time);
        var waiter = Coordinator(tokenLock, o => o.PollInterval = TimeSpan.FromMilliseconds(500));
        var crashed = await tokenLock.TryAcquireAsync("alice", TimeSpan.FromSeconds(60));
        Assert.NotNull(crashed);
        var reads = 0;
        var fetches = 0;
        var waiting = waiter.SingleFlightAsync("users", "alice", _ =>
        {
            Interlocked.Increment(ref reads);
            return ValueTask.FromResult<TokenSet?>(null);
        }, _ => true, _ =>
        {
            Interlocked.Increment(ref fetches);
            return Task.FromResult(Set("waiter"));
        }, publish: null, oneTimeCredential: true, CancellationToken.None);

        await AdvanceAsync(TimeSpan.FromSeconds(59), () => waiting.IsCompleted, 500);
        Assert.Equal(0, Volatile.Read(ref fetches));
        await AdvanceAsync(TimeSpan.FromSeconds(2), () => waiting.IsCompleted, 500);

        Assert.Equal("access-waiter", (await waiting.WaitAsync(Bound)).AccessToken);
        Assert.Equal(1, Volatile.Read(ref fetches));
        Assert.True(Volatile.Read(ref reads) > 2);
    }

    [Fact]
    public async Task Lock_holders_fetch_is_cancelled_before_its_lock_can_expire()
    {
        var tokenLock = new InProcessTokenLock(_time);
        var holder = Coordinator(tokenLock, o => o.LockLifetime = TimeSpan.FromSeconds(10));
        var fetching = holder.SingleFlightAsync("users", "alice", _ => ValueTask.FromResult<TokenSet?>(null), _ => true, NeverAnswers, publish: null, oneTimeCredential: true, CancellationToken.None);

        await AdvanceAsync(TimeSpan.FromSeconds(8.9), () => fetching.IsCompleted);
        Assert.False(fetching.IsCompleted);
        await AdvanceAsync(TimeSpan.FromSeconds(0.2), () => fetching.IsCompleted);

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => fetching.WaitAsync(Bound));
        Assert.Equal("users", error.ProviderName);
        Assert.Equal(0, tokenLock.Held);
    }

    [Fact]
    public void Lock_lifetime_outlasts_the_token_requests_total_timeout_by_default()
    {
        var options = new DistributedTokenCacheOptions();
        Assert.Equal(TimeSpan.FromSeconds(60), options.LockLifetime);
        Assert.True(Coordinator(null).FetchBound > TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Distributed_store_lets_one_of_two_concurrent_rotations_win_when_a_lock_is_registered()
    {
        var cache = new DictionaryCache();
        await using var services = SharedServices(cache, new InProcessTokenLock(TimeProvider.System));
        var store = services.GetRequiredService<ITokenStore>();
        var original = Set("0");
        await store.SetAsync("users", "alice", original);

        // Both instances read before either writes, unless the lock keeps the second out.
        cache.HoldReadsForRace();
        var replaces = await Task.WhenAll(
            store.TryReplaceAsync("users", "alice", original, Set("1")).AsTask(),
            store.TryReplaceAsync("users", "alice", original, Set("2")).AsTask()).WaitAsync(Bound);

        Assert.Single(replaces, replaced => replaced);
        var winner = replaces[0] ? "access-1" : "access-2";
        Assert.Equal(winner, (await store.GetAsync("users", "alice"))!.AccessToken);

        // A compare-and-remove of the set that lost never deletes the newer one.
        cache.HoldReadsForRace();
        var outcomes = await Task.WhenAll(
            store.TryRemoveAsync("users", "alice", original).AsTask(),
            store.TryReplaceAsync("users", "alice", Set(winner[^1..]), Set("3")).AsTask()).WaitAsync(Bound);
        Assert.Equal([false, true], outcomes);
        Assert.Equal("access-3", (await store.GetAsync("users", "alice"))!.AccessToken);
    }

    [Fact]
    public async Task User_provider_over_the_distributed_cache_without_a_lock_is_refused_when_the_host_starts()
    {
        await using var services = SharedServices(new DictionaryCache(), tokenLock: null, s =>
        {
            s.AddTokenProvider("api", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "service";
                o.ClientSecret = "service-secret";
            }));
            s.AddTokenProvider("users", p => p.UseAuthorizationCode(UserOptions));
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("'users'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'api'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddTokenClientsRedis", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ITokenLock), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_provider_over_the_distributed_cache_starts_with_a_lock_or_a_store_of_its_own()
    {
        await using var withLock = SharedServices(new DictionaryCache(), new InProcessTokenLock(_time), s => s.AddTokenProvider("users", p => p.UseAuthorizationCode(UserOptions)));
        withLock.GetRequiredService<IStartupValidator>().Validate();

        await using var ownStore = SharedServices(new DictionaryCache(), tokenLock: null, s =>
        {
            s.AddSingleton<ITokenStore, InMemoryTokenStore>();
            s.AddTokenProvider("users", p => p.UseAuthorizationCode(UserOptions));
        });
        ownStore.GetRequiredService<IStartupValidator>().Validate();
    }

    private static void UserOptions(AuthorizationCodeOptions o)
    {
        o.TokenEndpoint = new Uri("https://idp.example/token");
        o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
        o.RedirectUri = new Uri("https://app.example/callback");
        o.ClientId = "app";
        o.ClientSecret = "user-secret";
    }

    private static Task<TokenSet> NeverAnswers(CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<TokenSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        return answer.Task;
    }

    private static TokenSet Set(string n) => new()
    {
        AccessToken = "access-" + n,
        RefreshToken = "refresh-" + n,
        ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1),
    };

    private static ServiceProvider SharedServices(IDistributedCache cache, ITokenLock? tokenLock, Action<IServiceCollection>? add = null, Action<DistributedTokenCacheOptions>? configure = null, ISharedTokenBackend? backend = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(cache);
        if (backend is not null)
        {
            services.AddSingleton(backend);
        }

        services.AddSingleton<IDataProtectionProvider>(TaggingDataProtection.Instance);
        if (tokenLock is not null)
        {
            services.AddSingleton(tokenLock);
        }

        services.AddTokenClientsDistributedCache(configure);
        add?.Invoke(services);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private DistributedTokenCoordinator Coordinator(ITokenLock? tokenLock, Action<DistributedTokenCacheOptions>? configure = null)
    {
        var options = new DistributedTokenCacheOptions();
        configure?.Invoke(options);
        return new DistributedTokenCoordinator(null, tokenLock, Options.Create(options), _time, NullLogger.Instance);
    }

    /// <summary>Advances the fake clock in poll-sized steps, letting the waiters run between steps.</summary>
    private async Task AdvanceAsync(TimeSpan total, Func<bool> done, int stepMilliseconds = 50)
    {
        var step = TimeSpan.FromMilliseconds(stepMilliseconds);
        for (var elapsed = TimeSpan.Zero; elapsed < total && !done(); elapsed += step)
        {
            _time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System);
        }
    }
}
