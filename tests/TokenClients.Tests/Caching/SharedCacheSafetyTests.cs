using System.Collections.Concurrent;
using System.Security.Cryptography;
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
public sealed class SharedCacheSafetyTests
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

    [Fact]
    public async Task Stored_user_keys_are_keyed_with_a_secret_shared_by_instances_and_kept_across_restarts()
    {
        var cache = new DictionaryCache();
        var tokenLock = new InProcessTokenLock(TimeProvider.System);
        await using (var first = SharedServices(cache, tokenLock))
        await using (var second = SharedServices(cache, tokenLock))
        {
            await first.GetRequiredService<ITokenStore>().SetAsync("users", "alice", Set("1"));
            Assert.Equal("access-1", (await second.GetRequiredService<ITokenStore>().GetAsync("users", "alice"))?.AccessToken);
        }

        // Nobody who can read the cache finds alice by hashing candidate user ids.
        Assert.DoesNotContain("tokenclients:store:" + TokenCacheKey.Hash("subject", "users", "alice"), cache.Keys);
        Assert.Single(cache.Keys, k => k.StartsWith("tokenclients:store:", StringComparison.Ordinal));

        await using var restarted = SharedServices(cache, tokenLock);
        Assert.Equal("access-1", (await restarted.GetRequiredService<ITokenStore>().GetAsync("users", "alice"))?.AccessToken);
    }

    [Fact]
    public async Task Configured_key_secret_keys_differ_by_secret_and_agree_across_instances()
    {
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await using var first = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = secret);
        await using var second = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = secret);
        await using var other = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = "another secret of at least thirty-two bytes");

        var key = await first.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice");

        Assert.Equal(key, await second.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice"));
        Assert.NotEqual(key, await other.GetRequiredService<SharedTokenKeys>().ForSubjectAsync("users", "alice"));
        Assert.NotEqual(key, TokenCacheKey.Hash("subject", "users", "alice"));
        Assert.NotEqual(key, TokenCacheKey.ForSubject("users", "alice", client: null));
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    [Fact]
    public async Task Key_secret_shorter_than_32_bytes_is_refused_when_the_host_starts()
    {
        await using var services = SharedServices(new DictionaryCache(), tokenLock: null, configure: o => o.KeySecret = "short");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains("KeySecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short", error.Message.Replace("KeySecret", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_keys_follow_the_client_configuration_but_not_its_secret()
    {
        string Key(Action<ClientCredentialsOptions> change)
        {
            var services = new ServiceCollection();
            services.AddTokenProvider("api", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "service";
                o.ClientSecret = "service-secret";
                o.Scope = "read";
                change(o);
            }));
            using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredKeyedService<ITokenClient>("api");
            return DistributedTokenCoordinator.ContextKey(client, "api", TokenContext.Default) + "/" + DistributedTokenCoordinator.SubjectKey(client, "api", "alice");
        }

        var original = Key(_ => { });
        Assert.Equal(original, Key(_ => { }));
        Assert.Equal(original, Key(o => o.ClientSecret = "rotated-secret"));
        var otherClient = Key(o => o.ClientId = "other");
        var otherEndpoint = Key(o => o.TokenEndpoint = new Uri("https://idp2.example/token"));
        var otherScope = Key(o => o.Scope = "write");
        var otherResource = Key(o => o.Resource = "https://api.example");
        Assert.Equal(6, new[] { original, otherClient, otherEndpoint, otherScope, otherResource, Key(o => o.Parameters["audience"] = "x") }.Select(k => k.Split('/')[0]).Distinct().Count());

        // A stored user's set is bound to what binds its refresh token: client id and endpoint, not scope.
        Assert.Equal(original.Split('/')[1], otherScope.Split('/')[1]);
        Assert.NotEqual(original.Split('/')[1], otherClient.Split('/')[1]);
        Assert.NotEqual(original.Split('/')[1], otherEndpoint.Split('/')[1]);
    }

    [Fact]
    public async Task Instances_with_different_client_ids_never_serve_each_others_tokens_from_one_shared_cache()
    {
        var cache = new DictionaryCache();
        await using var first = SharedServices(cache, tokenLock: null, s => s.AddTokenProvider("api", p => p.UseClientCredentials(o => Client(o, "first"))));
        await using var second = SharedServices(cache, tokenLock: null, s => s.AddTokenProvider("api", p => p.UseClientCredentials(o => Client(o, "second"))));
        var firstShared = first.GetRequiredService<DistributedTokenCoordinator>();
        var secondShared = second.GetRequiredService<DistributedTokenCoordinator>();
        var firstKey = DistributedTokenCoordinator.ContextKey(first.GetRequiredKeyedService<ITokenClient>("api"), "api", TokenContext.Default);
        var secondKey = DistributedTokenCoordinator.ContextKey(second.GetRequiredKeyedService<ITokenClient>("api"), "api", TokenContext.Default);

        await firstShared.SetAsync(firstKey, Set("first"), CancellationToken.None);

        Assert.Null(await secondShared.GetAsync(secondKey, CancellationToken.None));
        Assert.Equal("access-first", (await secondShared.GetAsync(firstKey, CancellationToken.None))?.AccessToken);

        static void Client(ClientCredentialsOptions o, string clientId)
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.ClientId = clientId;
            o.ClientSecret = "service-secret";
        }
    }

    [Fact]
    public async Task Providers_differing_only_in_client_id_never_serve_each_others_tokens_through_one_shared_cache()
    {
        var cache = new DictionaryCache();
        async Task<string> TokenOf(string clientId)
        {
            await using var harness = new Support.Harness();
            harness.Services.AddSingleton<IDistributedCache>(cache);
            harness.Services.AddSingleton<IDataProtectionProvider>(TaggingDataProtection.Instance);
            harness.Services.AddTokenClientsDistributedCache();
            harness.Mock.When(HttpMethod.Post, "https://idp.example/token")
                .Respond("application/json", "{\"access_token\":\"token-of-" + clientId + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}");
            harness.AddProvider("api", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = clientId;
                o.ClientSecret = "service-secret";
            }));
            return (await harness.Get("api").GetTokenAsync()).Value;
        }

        Assert.Equal("token-of-first", await TokenOf("first"));
        Assert.Equal("token-of-second", await TokenOf("second"));
        Assert.Equal("token-of-first", await TokenOf("first"));
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

    private static ServiceProvider SharedServices(IDistributedCache cache, ITokenLock? tokenLock, Action<IServiceCollection>? add = null, Action<DistributedTokenCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(cache);
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

    /// <summary>A lock shared by the instances of this process, expiring on its clock like a Redis lock.</summary>
    private sealed class InProcessTokenLock(TimeProvider time) : ITokenLock
    {
        private readonly ConcurrentDictionary<string, (string Owner, DateTimeOffset Until)> _locks = new();

        public int Held => _locks.Count(l => l.Value.Until > time.GetUtcNow());

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
        {
            var owner = Guid.NewGuid().ToString("N");
            var now = time.GetUtcNow();
            var entry = _locks.AddOrUpdate(key, (owner, now + lifetime), (_, held) => held.Until <= now ? (owner, now + lifetime) : held);
            return ValueTask.FromResult<IAsyncDisposable?>(entry.Owner == owner ? new Lease(this, key, owner) : null);
        }

        private sealed class Lease(InProcessTokenLock owner, string key, string id) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                if (owner._locks.TryGetValue(key, out var held) && held.Owner == id)
                {
                    owner._locks.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(key, held));
                }

                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>A distributed cache in memory that can hold reads so that two readers overlap, as on a network.</summary>
    private sealed class DictionaryCache : IDistributedCache
    {
        private readonly ConcurrentDictionary<string, byte[]> _entries = new();
        private TaskCompletionSource? _race;
        private int _racing;

        public IReadOnlyCollection<string> Keys => [.. _entries.Keys];

        /// <summary>The next two reads wait for each other (or a moment, when the second never comes).</summary>
        public void HoldReadsForRace()
        {
            _racing = 0;
            _race = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public byte[]? Get(string key) => _entries.GetValueOrDefault(key);

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            if (_race is { } race && key.Contains(":store:", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _racing) >= 2)
                {
                    _race = null;
                    race.TrySetResult();
                }

                try
                {
                    await race.Task.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, token);
                }
                catch (TimeoutException)
                {
                    // The other reader was kept out: go on alone.
                }
            }

            return Get(key);
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => _entries[key] = value;

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => _entries.TryRemove(key, out _);

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }
    }

    /// <summary>Data Protection stand-in: tags payloads with their purpose (real encryption is exercised by the Redis tests).</summary>
    private sealed class TaggingDataProtection(string path = "") : IDataProtector
    {
        public static readonly TaggingDataProtection Instance = new();

        private readonly string _path = path;

        public IDataProtector CreateProtector(string purpose) => new TaggingDataProtection(_path + "/" + purpose);

        public byte[] Protect(byte[] plaintext) => [.. System.Text.Encoding.UTF8.GetBytes(_path + "|"), .. plaintext];

        public byte[] Unprotect(byte[] protectedData)
        {
            var tag = System.Text.Encoding.UTF8.GetBytes(_path + "|");
            return protectedData.AsSpan().StartsWith(tag) ? protectedData[tag.Length..] : throw new CryptographicException("Not protected with this purpose.");
        }
    }
}
