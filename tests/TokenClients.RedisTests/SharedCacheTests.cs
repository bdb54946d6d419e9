using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>Instances in this process sharing one real Redis: what they share, when they share it, what a registration needs.</summary>
[Collection(RedisGroup.Name)]
public sealed class SharedCacheTests(RedisFixture redis) : SharedCacheTestBase(redis)
{
    [Fact]
    public async Task HybridCache_over_Redis_lets_a_second_instance_use_the_first_instances_token()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        var prefix = "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

        // The standard registrations only: HybridCache over Redis as IDistributedCache, Data Protection, and the shared token cache.
        Instance Create() => Instance.Create(Keys, services =>
        {
            services.AddHybridCache();
            services.AddStackExchangeRedisCache(o => o.Configuration = Redis.Server.Configuration);
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
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
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
        Instance Create() => Instance.Create(Keys, services =>
        {
            services.AddSingleton<IDistributedCache>(_ => new RendezvousCache(
                new RedisCache(Options.Create(new RedisCacheOptions { Configuration = Redis.Server.Configuration })), rendezvous));
            services.AddTokenClientsRedis(Redis.Server.Configuration, o => o.KeyPrefix = prefix);
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

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
