using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.SignIn;

/// <summary>
/// A sign-in's callback is redeemed once, whoever races for it: two callbacks with one <c>state</c> cause one code
/// exchange at the JustLogin emulator, with or without a shared cache, and an unreachable redemption lock fails closed.
/// </summary>
public sealed class SignInRedemptionTests : IAsyncLifetime, IDisposable
{
    private const string Subject = "acme/alice";
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));

    // One key ring for every instance, as a fleet shares one.
    private readonly EphemeralDataProtectionProvider _keyRing = new();
    private JustLoginEmulator _emulator = null!;

    private CancellationToken Deadline => _deadline.Token;

    public async Task InitializeAsync() => _emulator = await JustLoginEmulator.StartAsync(cancellationToken: Deadline);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task Two_concurrent_callbacks_with_one_state_exchange_the_code_once_in_process()
    {
        await using var services = Build(_ => { });

        var outcomes = await CompleteTwiceAtOnceAsync(services, services);

        AssertExactlyOneRedeemed(outcomes);
    }

    [Fact]
    public async Task Shared_cache_without_a_lock_keeps_sign_ins_in_process_so_a_callback_is_redeemed_once()
    {
        // Both readers of a pending sign-in in the shared cache would see it before either removes it.
        var cache = new RendezvousCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        await using var services = Build(s =>
        {
            s.AddSingleton<IDistributedCache>(cache);
            s.AddTokenClientsDistributedCache();
        });

        var outcomes = await CompleteTwiceAtOnceAsync(services, services);

        AssertExactlyOneRedeemed(outcomes);
    }

    [Fact]
    public async Task Shared_cache_with_a_lock_lets_one_of_two_racing_instances_redeem_a_callback()
    {
        var cache = new RendezvousCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())));
        var locks = new InMemoryLock();
        ServiceProvider Instance() => Build(s =>
        {
            s.AddSingleton<IDistributedCache>(cache);
            s.AddSingleton<ITokenLock>(locks);
            s.AddTokenClientsDistributedCache();
        });
        await using var first = Instance();
        await using var second = Instance();

        var outcomes = await CompleteTwiceAtOnceAsync(first, second);

        AssertExactlyOneRedeemed(outcomes);
    }

    [Fact]
    public async Task Unreachable_redemption_lock_fails_closed_without_a_code_exchange()
    {
        await using var services = Build(s =>
        {
            s.AddDistributedMemoryCache();
            s.AddSingleton<ITokenLock, UnreachableLock>();

            // A configured key secret: the store's keys need no lock, so only the redemption meets the unreachable one.
            s.AddTokenClientsDistributedCache(o => o.KeySecret = "a-key-secret-of-at-least-32-bytes-for-tests");
        });
        var flow = services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        var start = await flow.StartAsync(Subject, Deadline);
        var callback = await _emulator.ApproveAsync(start.AuthorizeUri, Deadline);

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(callback, Subject, Deadline));

        Assert.Equal("temporarily_unavailable", error.Error);
        Assert.DoesNotContain(_emulator.Journal.TokenRequests, r => r.GrantType == "authorization_code");
        Assert.Null(await services.GetRequiredService<ITokenStore>().GetAsync("justlogin", Subject, Deadline));
    }

    private static void AssertExactlyOneRedeemed(Exception?[] outcomes)
    {
        Assert.Single(outcomes, o => o is null);
        var refused = Assert.IsType<TokenRequestException>(Assert.Single(outcomes, o => o is not null));
        Assert.Equal("invalid_state", refused.Error);
    }

    private async Task<Exception?[]> CompleteTwiceAtOnceAsync(IServiceProvider starting, IServiceProvider other)
    {
        var start = await starting.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").StartAsync(Subject, Deadline);
        var callback = await _emulator.ApproveAsync(start.AuthorizeUri, Deadline);
        using var go = new SemaphoreSlim(0, 2);
        var racers = new[] { starting, other }.Select(services => Task.Run(async () =>
        {
            await go.WaitAsync(Deadline);
            try
            {
                await services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin").CompleteAsync(callback, Subject, Deadline);
                return null;
            }
            catch (TokenRequestException exception)
            {
                return (Exception)exception;
            }
        })).ToArray();
        go.Release(2);
        var outcomes = await Task.WhenAll(racers).WaitAsync(TimeSpan.FromSeconds(20));

        // The emulator was asked to exchange the code once (a second attempt, even refused, would be a double redemption).
        Assert.Single(_emulator.Journal.TokenRequests, r => r.GrantType == "authorization_code");
        return outcomes;
    }

    private ServiceProvider Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IDataProtectionProvider>(_keyRing);
        configure(services);
        services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.Authority = _emulator.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.RedirectUri = new Uri("http://127.0.0.1/callback");
        }));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>A shared cache whose readers of one sign-in key meet before any goes on (bounded), as a slow network makes them.</summary>
    private sealed class RendezvousCache(IDistributedCache inner) : IDistributedCache
    {
        private readonly ConcurrentDictionary<string, Barrier> _barriers = new(StringComparer.Ordinal);

        public byte[]? Get(string key) => inner.Get(key);

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            var value = await inner.GetAsync(key, token);
            if (key.Contains("signin:", StringComparison.Ordinal))
            {
                var barrier = _barriers.GetOrAdd(key, _ => new Barrier(2));
                await Task.Run(() => barrier.SignalAndWait(TimeSpan.FromSeconds(3)), token);
            }

            return value;
        }

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
            inner.SetAsync(key, value, options, token);
    }

    /// <summary>A lock shared by the instances of this process, like Redis's <c>SET NX PX</c> (without expiry).</summary>
    private sealed class InMemoryLock : ITokenLock
    {
        private readonly ConcurrentDictionary<string, object> _held = new(StringComparer.Ordinal);

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
        {
            var owner = new object();
            return ValueTask.FromResult<IAsyncDisposable?>(_held.TryAdd(key, owner) ? new Lease(this, key, owner) : null);
        }

        private sealed class Lease(InMemoryLock locks, string key, object owner) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                locks._held.TryRemove(new KeyValuePair<string, object>(key, owner));
                return ValueTask.CompletedTask;
            }
        }
    }

    private sealed class UnreachableLock : ITokenLock
    {
        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
            throw new TimeoutException("The lock server did not answer.");
    }
}
