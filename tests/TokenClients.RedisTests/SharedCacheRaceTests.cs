using Microsoft.Extensions.DependencyInjection;
using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>Instances racing over one real Redis: one refresh, one rotation, a lock only its owner releases, bounded waits.</summary>
[Collection(RedisGroup.Name)]
public sealed class SharedCacheRaceTests(RedisFixture redis) : SharedCacheTestBase(redis)
{
    [Fact]
    public async Task Instance_waiting_on_another_instances_user_refresh_never_presents_the_same_refresh_token()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { AutoApproveUser = "acme/alice", AccessTokenLifetime = lifetime });
        var fleet = new Fleet(Redis.Server.Configuration, Keys, o => o.LockWait = TimeSpan.FromMilliseconds(300));
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
        for (var i = 0; i < 100 && (await fleet.KeysAsync(Connection, "lock:")).Count == 0; i++)
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
    public async Task Two_instances_refreshing_one_user_at_once_send_one_refresh_and_keep_a_live_refresh_token()
    {
        var lifetime = TimeSpan.FromSeconds(3);
        await using var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { AutoApproveUser = "acme/alice", AccessTokenLifetime = lifetime });
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
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
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
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
        var fleet = new Fleet(Redis.Server.Configuration, Keys);
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
        var fleet = new Fleet(Redis.Server.Configuration, Keys, o => o.LockWait = TimeSpan.FromMilliseconds(300));
        await using var slow = fleet.Mluvii(emulator);
        await using var waiting = fleet.Mluvii(emulator);

        var slowToken = slow.Provider("mluvii").GetTokenAsync().AsTask();
        for (var i = 0; i < 100 && (await fleet.KeysAsync(Connection, "lock:")).Count == 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.Single(await fleet.KeysAsync(Connection, "lock:"));
        var started = TimeProvider.System.GetTimestamp();
        var token = await waiting.Provider("mluvii").GetTokenAsync();

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(2.5));
        Assert.False(slowToken.IsCompleted);
        Assert.True(emulator.IsLive(token.Value));
        Assert.Equal(1, waiting.Logs.Count(15));
        Assert.True(emulator.IsLive((await slowToken).Value));
        Assert.Equal(2, emulator.Journal.CountGrant("client_credentials"));
    }
}
