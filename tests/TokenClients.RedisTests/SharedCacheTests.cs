using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>Instances in this process sharing one real Redis: what is shared, how it is protected, how races end.</summary>
[Collection(RedisGroup.Name)]
public sealed class SharedCacheTests(RedisFixture redis) : IAsyncLifetime, IDisposable
{
    private readonly KeyRing _keys = new();
    private ConnectionMultiplexer _connection = null!;

    public async Task InitializeAsync() => _connection = await ConnectionMultiplexer.ConnectAsync(redis.Server.Configuration);

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task HybridCache_over_Redis_lets_a_second_instance_use_the_first_instances_token()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

        // The standard registrations only: HybridCache over Redis as IDistributedCache, Data Protection, and the shared token cache.
        Instance Create() => Instance.Create(_keys, services =>
        {
            services.AddHybridCache();
            services.AddStackExchangeRedisCache(o => o.Configuration = redis.Server.Configuration);
            services.AddTokenClientsDistributedCache(o => o.KeyPrefix = prefix);
            services.AddTokenProvider("mluvii", p => p.UseMluvii(o =>
            {
                o.Authority = emulator.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
            }));
        });
        await using var first = Create();
        await using var second = Create();

        var token = await first.Provider("mluvii").GetTokenAsync();
        var shared = await second.Provider("mluvii").GetTokenAsync();

        Assert.Equal(token.Value, shared.Value);
        Assert.Single(emulator.Journal.TokenRequests);
    }

    [Fact]
    public async Task Distributed_cache_store_keeps_a_signed_in_user_for_the_next_instance()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12] + ":";
        Instance Create() => JustLoginOverDistributedCache(justLogin, prefix);
        AccessToken signedIn;
        await using (var first = Create())
        {
            await Fleet.SignInAsync(first, justLogin, "acme/alice");
            signedIn = await first.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"));
        }

        await using var next = Create();
        var token = await next.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"));

        Assert.Equal(signedIn.Value, token.Value);
        Assert.True(justLogin.IsLive(token.Value));
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Sign_in_started_on_one_instance_completes_on_another_once()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var first = fleet.JustLogin(justLogin);
        await using var second = fleet.JustLogin(justLogin);

        // The browser is sent away by one instance and comes back to another (no sticky sessions).
        var start = await first.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").StartAsync("acme/alice");
        var callback = await justLogin.ApproveAsync(start.AuthorizeUri);
        var completing = second.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        var result = await completing.CompleteAsync(callback, "acme/alice");

        Assert.Equal("acme/alice", result.Subject);
        Assert.True(justLogin.IsLive((await second.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value));

        // The state is redeemable once, on any instance.
        var replay = await Assert.ThrowsAsync<TokenRequestException>(() => first.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").CompleteAsync(callback, "acme/alice"));
        Assert.Equal("invalid_state", replay.Error);
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Two_instances_completing_one_callback_at_once_redeem_it_once()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

        // Both instances read the pending sign-in from Redis before either goes on, as on a slow network.
        var rendezvous = new Rendezvous();
        Instance Create() => Instance.Create(_keys, services =>
        {
            services.AddSingleton<IDistributedCache>(_ => new RendezvousCache(
                new RedisCache(Options.Create(new RedisCacheOptions { Configuration = redis.Server.Configuration })), rendezvous));
            services.AddTokenClientsRedis(redis.Server.Configuration, o => o.KeyPrefix = prefix);
            services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
            {
                o.Authority = justLogin.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
                o.RedirectUri = new Uri("http://127.0.0.1/callback");
            }));
        });
        await using var first = Create();
        await using var second = Create();
        var start = await first.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").StartAsync("acme/alice");
        var callback = await justLogin.ApproveAsync(start.AuthorizeUri);

        var outcomes = await Task.WhenAll(new[] { first, second }.Select(instance => Task.Run(async () =>
        {
            try
            {
                await instance.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").CompleteAsync(callback, "acme/alice");
                return null;
            }
            catch (TokenRequestException exception)
            {
                return exception;
            }
        }))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Single(outcomes, o => o is null);
        Assert.Equal("invalid_state", Assert.Single(outcomes, o => o is not null)!.Error);
        Assert.Single(justLogin.Journal.TokenRequests, r => r.GrantType == "authorization_code");
    }

    [Fact]
    public async Task Keys_and_values_in_Redis_reveal_no_secret_user_name_or_client_id()
    {
        await using var mluvii = await MluviiEmulator.StartAsync();
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var clients = fleet.Mluvii(mluvii);
        await using var users = fleet.JustLogin(justLogin);
        var clientToken = await clients.Provider("mluvii").GetTokenAsync();
        await Fleet.SignInAsync(users, justLogin, "acme/alice");
        var stored = await users.Services.GetRequiredService<ITokenStore>().GetAsync("justlogin", "acme/alice");
        Assert.NotNull(stored);

        var keys = await fleet.KeysAsync(_connection);
        Assert.Contains(keys, k => k.ToString().StartsWith(fleet.Prefix + "cache:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.ToString().StartsWith(fleet.Prefix + "store:", StringComparison.Ordinal));
        string[] secrets = ["demo-client", "demo-secret", "alice", "acme", "mluvii", "justlogin", clientToken.Value, stored.AccessToken, stored.RefreshToken!];
        var database = _connection.GetDatabase();
        foreach (var key in keys)
        {
            var name = key.ToString()[fleet.Prefix.Length..];
            // The key secret is kept there too, encrypted like the token sets.
            Assert.Matches("^((cache|store|lock):[0-9a-f]{64}|key-secret)$", name);
            if (name.StartsWith("lock:", StringComparison.Ordinal))
            {
                // A redeemed sign-in's lock: its value is an owner id.
                Assert.Matches("^[0-9a-f]{32}$", (string?)await database.StringGetAsync(key));
                continue;
            }

            var values = await database.HashGetAllAsync(key);
            Assert.NotEmpty(values);
            foreach (var entry in values)
            {
                var text = Encoding.Latin1.GetString((byte[])entry.Value!);
                Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.Ordinal));

                // Encrypted at rest: not even the JWT header of a token appears.
                Assert.DoesNotContain("eyJ", text, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Distributed_cache_store_without_a_lock_refuses_a_signed_in_user_provider_when_the_host_starts()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        await using var instance = JustLoginOverDistributedCache(justLogin, "test-" + Guid.NewGuid().ToString("N")[..12] + ":", withLock: false);

        var error = Assert.Throws<OptionsValidationException>(() => instance.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("'justlogin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddTokenClientsRedis", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("demo-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redis_keys_cannot_be_recomputed_from_a_user_id_and_every_instance_and_restart_finds_the_user()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using (var first = fleet.JustLogin(justLogin))
        await using (var second = fleet.JustLogin(justLogin))
        {
            await Fleet.SignInAsync(first, justLogin, "acme/alice");
            var signedIn = await first.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"));
            Assert.Equal(signedIn.Value, (await second.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value);
        }

        var stored = Assert.Single(await fleet.KeysAsync(_connection, "store:"));
        Assert.NotEqual(fleet.Prefix + "store:" + TokenCacheKey.Hash("subject", "justlogin", "acme/alice"), stored.ToString());
        Assert.Single(await fleet.KeysAsync(_connection, "key-secret"));

        await using var restarted = fleet.JustLogin(justLogin);
        Assert.True(justLogin.IsLive((await restarted.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice"))).Value));
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Instance_waiting_on_another_instances_user_refresh_never_presents_the_same_refresh_token()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { AutoApproveUser = "acme/alice", AccessTokenLifetime = lifetime });
        var fleet = new Fleet(redis.Server.Configuration, _keys, o => o.LockWait = TimeSpan.FromMilliseconds(300));
        await using var first = fleet.JustLogin(justLogin);
        await using var second = fleet.JustLogin(justLogin);
        var alice = TokenContext.ForSubject("acme/alice");
        await Fleet.SignInAsync(first, justLogin, "acme/alice");
        var signedIn = await first.Provider("justlogin").GetTokenAsync(alice);
        Assert.Equal(signedIn.Value, (await second.Provider("justlogin").GetTokenAsync(alice)).Value);
        var expired = signedIn.ExpiresAt - TimeProvider.System.GetUtcNow();
        if (expired > TimeSpan.Zero)
        {
            await Task.Delay(expired, TimeProvider.System);
        }

        // The holder's refresh takes far longer than the lock wait.
        justLogin.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(2)));
        var holding = first.Provider("justlogin").GetTokenAsync(alice).AsTask();
        for (var i = 0; i < 100 && (await fleet.KeysAsync(_connection, "lock:")).Count == 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        var waited = await second.Provider("justlogin").GetTokenAsync(alice).AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((await holding.WaitAsync(TimeSpan.FromSeconds(30))).Value, waited.Value);
        Assert.Equal(1, justLogin.Journal.CountGrant("refresh_token"));
        Assert.Equal(0, justLogin.Journal.TokenRequests.Count(r => r.StatusCode != 200));
        Assert.True(second.Logs.Count(70) >= 1);
    }

    [Fact]
    public async Task Tampered_cache_entry_is_a_miss_not_a_crash()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var first = fleet.Mluvii(emulator);
        var original = await first.Provider("mluvii").GetTokenAsync();
        var key = Assert.Single(await fleet.KeysAsync(_connection, "cache:"));
        var database = _connection.GetDatabase();
        var data = (byte[])(await database.HashGetAsync(key, "data"))!;
        data[data.Length / 2] ^= 0x5A;
        await database.HashSetAsync(key, "data", data);

        await using var second = fleet.Mluvii(emulator);
        var token = await second.Provider("mluvii").GetTokenAsync();

        Assert.NotEqual(original.Value, token.Value);
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));
        Assert.Contains(second.Logs.Entries, e => e.EventId == 14);
    }

    [Fact]
    public async Task Cache_entry_protected_with_another_key_ring_is_a_miss()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        using var foreignKeys = new KeyRing();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        var foreignFleet = new Fleet(redis.Server.Configuration, foreignKeys, o => o.KeyPrefix = fleet.Prefix);
        await using var foreign = foreignFleet.Mluvii(emulator);
        var foreignToken = await foreign.Provider("mluvii").GetTokenAsync();
        Assert.Single(await fleet.KeysAsync(_connection, "cache:"));

        await using var own = fleet.Mluvii(emulator);
        var token = await own.Provider("mluvii").GetTokenAsync();

        Assert.NotEqual(foreignToken.Value, token.Value);
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));

        // The foreign instances created the key secret under their key ring: this instance cannot even compute the keys,
        // says so, and works alone.
        Assert.Contains(own.Logs.Entries, e => e.EventId == 12 && e.Message.Contains("key secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cache_entry_copied_under_another_key_is_a_miss()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var first = fleet.Mluvii(emulator, "mluvii", "other");
        var token = await first.Provider("mluvii").GetTokenAsync();
        var source = Assert.Single(await fleet.KeysAsync(_connection, "cache:"));
        await first.Provider("other").GetTokenAsync();
        var target = Assert.Single(await fleet.KeysAsync(_connection, "cache:"), k => k != source);
        var database = _connection.GetDatabase();
        await database.HashSetAsync(target, "data", await database.HashGetAsync(source, "data"));

        await using var second = fleet.Mluvii(emulator, "mluvii", "other");
        var other = await second.Provider("other").GetTokenAsync();

        Assert.NotEqual(token.Value, other.Value);
        Assert.Equal(3, emulator.Journal.CountGrant("client_credentials"));
        Assert.Contains(second.Logs.Entries, e => e.EventId == 14);
    }

    [Fact]
    public async Task Tampered_stored_user_tokens_are_missing_tokens_not_a_crash()
    {
        await using var justLogin = await JustLoginEmulator.StartAsync();
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using (var first = fleet.JustLogin(justLogin))
        {
            await Fleet.SignInAsync(first, justLogin, "acme/alice");
        }

        var key = Assert.Single(await fleet.KeysAsync(_connection, "store:"));
        var database = _connection.GetDatabase();
        var data = (byte[])(await database.HashGetAsync(key, "d"))!;
        data[^1] ^= 0x01;
        await database.HashSetAsync(key, "d", data);

        await using var second = fleet.JustLogin(justLogin);
        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() =>
            second.Provider("justlogin").GetTokenAsync(TokenContext.ForSubject("acme/alice")).AsTask());

        Assert.Equal("acme/alice", error.Subject);
        Assert.Equal(0, justLogin.Journal.CountGrant("refresh_token"));
    }

    [Fact]
    public async Task Two_instances_refreshing_one_user_at_once_send_one_refresh_and_keep_a_live_refresh_token()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { AutoApproveUser = "acme/alice", AccessTokenLifetime = lifetime });
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var first = fleet.JustLogin(justLogin);
        await using var second = fleet.JustLogin(justLogin);
        var alice = TokenContext.ForSubject("acme/alice");
        await Fleet.SignInAsync(first, justLogin, "acme/alice");
        var signedIn = await first.Provider("justlogin").GetTokenAsync(alice);
        Assert.Equal(signedIn.Value, (await second.Provider("justlogin").GetTokenAsync(alice)).Value);

        var expired = signedIn.ExpiresAt - TimeProvider.System.GetUtcNow();
        if (expired > TimeSpan.Zero)
        {
            await Task.Delay(expired, TimeProvider.System);
        }

        var tokens = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            (i % 2 == 0 ? first : second).Provider("justlogin").GetTokenAsync(alice).AsTask()));

        Assert.All(tokens, t => Assert.Equal(tokens[0].Value, t.Value));
        Assert.NotEqual(signedIn.Value, tokens[0].Value);
        Assert.True(justLogin.IsLive(tokens[0].Value));
        Assert.Equal(1, justLogin.Journal.CountGrant("refresh_token"));
        Assert.Equal(0, justLogin.Journal.TokenRequests.Count(r => r.StatusCode != 200));

        // The store holds the rotated refresh token, still redeemable: a forced refresh from it succeeds.
        justLogin.RevokeAccessTokens();
        await second.Provider("justlogin").InvalidateAsync(tokens[0], alice);
        var renewed = await second.Provider("justlogin").GetTokenAsync(alice);
        Assert.True(justLogin.IsLive(renewed.Value));
        Assert.Equal(2, justLogin.Journal.CountGrant("refresh_token"));
    }

    [Fact]
    public async Task Store_compare_and_set_lets_only_the_first_rotation_win()
    {
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var justLogin = await JustLoginEmulator.StartAsync();
        await using var instance = fleet.JustLogin(justLogin);
        var store = instance.Services.GetRequiredService<ITokenStore>();
        var expires = TimeProvider.System.GetUtcNow().AddHours(1);
        TokenSet Set(string n) => new() { AccessToken = "access-" + n, RefreshToken = "refresh-" + n, ExpiresAt = expires };
        var (original, winner, loser) = (Set("0"), Set("1"), Set("2"));

        await store.SetAsync("p", "user", original);

        Assert.True(await store.TryReplaceAsync("p", "user", original, winner));
        Assert.False(await store.TryReplaceAsync("p", "user", original, loser));
        Assert.Equal("refresh-1", (await store.GetAsync("p", "user"))!.RefreshToken);
        Assert.False(await store.TryRemoveAsync("p", "user", original));
        Assert.True(await store.TryRemoveAsync("p", "user", winner));
        Assert.Null(await store.GetAsync("p", "user"));
    }

    [Fact]
    public async Task Lock_is_released_only_by_its_owner()
    {
        var fleet = new Fleet(redis.Server.Configuration, _keys);
        await using var emulator = await MluviiEmulator.StartAsync();
        await using var instance = fleet.Mluvii(emulator);
        var tokenLock = instance.Services.GetRequiredService<ITokenLock>();

        var expired = await tokenLock.TryAcquireAsync("k", TimeSpan.FromMilliseconds(200));
        Assert.NotNull(expired);
        Assert.Null(await tokenLock.TryAcquireAsync("k", TimeSpan.FromSeconds(10)));

        IAsyncDisposable? current = null;
        for (var i = 0; i < 100 && current is null; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            current = await tokenLock.TryAcquireAsync("k", TimeSpan.FromSeconds(10));
        }

        Assert.NotNull(current);
        await expired.DisposeAsync();
        Assert.Null(await tokenLock.TryAcquireAsync("k", TimeSpan.FromSeconds(10)));
        await current.DisposeAsync();
        var next = await tokenLock.TryAcquireAsync("k", TimeSpan.FromSeconds(10));
        Assert.NotNull(next);
        await next.DisposeAsync();
    }

    [Fact]
    public async Task Instance_waiting_past_the_bound_fetches_its_own_token()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        emulator.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(3)));
        var fleet = new Fleet(redis.Server.Configuration, _keys, o => o.LockWait = TimeSpan.FromMilliseconds(300));
        await using var slow = fleet.Mluvii(emulator);
        await using var waiting = fleet.Mluvii(emulator);

        var slowToken = slow.Provider("mluvii").GetTokenAsync().AsTask();
        for (var i = 0; i < 100 && (await fleet.KeysAsync(_connection, "lock:")).Count == 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.Single(await fleet.KeysAsync(_connection, "lock:"));
        var started = TimeProvider.System.GetTimestamp();
        var token = await waiting.Provider("mluvii").GetTokenAsync();

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2.5));
        Assert.False(slowToken.IsCompleted);
        Assert.True(emulator.IsLive(token.Value));
        Assert.Equal(1, waiting.Logs.Count(15));
        Assert.True(emulator.IsLive((await slowToken).Value));
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));
    }

    [Fact]
    public async Task Cache_hit_in_process_never_touches_the_shared_cache()
    {
        var shared = new CountingTokenCache();
        var issued = 0;
        var services = new ServiceCollection();
        services.AddSingleton<ITokenCache>(shared);
        services.AddTokenProvider("static", p => p.UseTokenClient("Static", (_, _) => new DelegateTokenClient(() => new TokenSet
        {
            AccessToken = "token-" + Interlocked.Increment(ref issued),
            ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1),
        })));
        await using var provider = services.BuildServiceProvider();
        var tokens = provider.GetRequiredKeyedService<ITokenProvider>("static");

        await tokens.GetTokenAsync();
        Assert.Equal((1, 1), (shared.Gets, shared.Sets));
        for (var i = 0; i < 1000; i++)
        {
            await tokens.GetTokenAsync();
        }

        Assert.Equal((1, 1), (shared.Gets, shared.Sets));
        Assert.Equal(1, issued);
    }

    private sealed class CountingTokenCache : ITokenCache
    {
        private int _gets;
        private int _sets;

        public int Gets => Volatile.Read(ref _gets);

        public int Sets => Volatile.Read(ref _sets);

        public ValueTask<TokenSet?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _gets);
            return ValueTask.FromResult<TokenSet?>(null);
        }

        public ValueTask SetAsync(string key, TokenSet tokens, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _sets);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DelegateTokenClient(Func<TokenSet> issue) : ITokenClient
    {
        public bool CanRefresh => false;

        public bool RequiresInteraction => false;

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) => Task.FromResult(issue());

        public Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    /// <summary>
    /// An instance with JustLogin and the shared cache over Redis, without the Redis store: the application registers a
    /// lock of its own (without one, a user provider over this store is refused).
    /// </summary>
    private Instance JustLoginOverDistributedCache(JustLoginEmulator justLogin, string prefix, bool withLock = true) => Instance.Create(_keys, services =>
    {
        services.AddStackExchangeRedisCache(o => o.Configuration = redis.Server.Configuration);
        if (withLock)
        {
            services.AddSingleton<ITokenLock>(new RedisTestLock(_connection, prefix));
        }

        services.AddTokenClientsDistributedCache(o => o.KeyPrefix = prefix);
        services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.Authority = justLogin.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.RedirectUri = new Uri("http://127.0.0.1/callback");
        }));
    });
}
