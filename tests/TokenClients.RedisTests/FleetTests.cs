using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>Separate processes sharing one Redis: the fleet asks token endpoints as one instance would.</summary>
[Collection(RedisGroup.Name)]
public sealed class FleetTests(RedisFixture redis)
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Answer = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Four_processes_with_200_concurrent_requests_each_send_one_token_request_per_key_cold_and_after_expiry()
    {
        // Long enough that the cold burst ends before refresh-ahead starts (80 % of the life), short enough to wait out.
        var lifetime = TimeSpan.FromSeconds(8);
        await using var mluvii = await MluviiEmulator.StartAsync(new EmulatorOptions { AccessTokenLifetime = lifetime });
        await using var oli = await OliEmulator.StartAsync(new OliEmulatorOptions { AccessTokenLifetime = lifetime });
        using var keys = new KeyRing();
        var prefix = Prefix();
        string[] arguments = ["--redis", redis.Server.Configuration, "--keys", keys.Directory.FullName, "--app", KeyRing.ApplicationName, "--prefix", prefix,
            "--mluvii", mluvii.BaseAddress.AbsoluteUri, "--oli", oli.BaseAddress.AbsoluteUri];
        var workers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WorkerProcess.StartAsync(arguments, Ready)));
        try
        {
            Assert.Equal(4, workers.Select(w => w.Id).Distinct().Count());

            // Cold: nothing cached anywhere.
            await BurstAsync(workers, 200);
            Assert.Equal(1, mluvii.Journal.CountGrant("client_credentials"));
            Assert.Equal(1, oli.Journal.CountGrant("password"));
            Assert.Single(mluvii.Journal.TokenRequests);
            Assert.Single(oli.Journal.TokenRequests);

            // Every instance's token expires; the next burst finds none usable, in memory or in Redis.
            var expired = oli.Journal.TokenRequests.Concat(mluvii.Journal.TokenRequests).Max(r => r.Timestamp) + lifetime + TimeSpan.FromMilliseconds(300);
            var wait = expired - TimeProvider.System.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, TimeProvider.System);
            }

            await BurstAsync(workers, 200);
            Assert.Equal(2, mluvii.Journal.CountGrant("client_credentials"));
            Assert.Equal(2, mluvii.Journal.TokenRequests.Count);

            // OLI: the one refresh uses the refresh token that a single instance obtained and all others read from Redis.
            Assert.Equal(1, oli.Journal.CountGrant("refresh_token"));
            Assert.Equal(1, oli.Journal.CountGrant("password"));
            Assert.Equal(2, oli.Journal.TokenRequests.Count);
            Assert.Equal(0, mluvii.ApiUnauthorizedCount);
            Assert.Equal(0, oli.ApiUnauthorizedCount);
        }
        finally
        {
            await Task.WhenAll(workers.Select(w => w.DisposeAsync().AsTask()));
        }
    }

    [Fact]
    public async Task Signed_in_user_survives_a_restart_and_is_refreshed_when_the_token_expires()
    {
        var lifetime = TimeSpan.FromSeconds(10);
        var callback = new Uri("http://127.0.0.1/callback");
        await using var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { AutoApproveUser = "acme/alice", AccessTokenLifetime = lifetime });
        using var keys = new KeyRing();
        string[] arguments = ["--redis", redis.Server.Configuration, "--keys", keys.Directory.FullName, "--app", KeyRing.ApplicationName, "--prefix", Prefix(),
            "--justlogin", justLogin.BaseAddress.AbsoluteUri, "--callback", callback.AbsoluteUri];

        await using (var first = await WorkerProcess.StartAsync(arguments, Ready))
        {
            await first.SendAsync("signin acme/alice");
            Assert.Equal(200, (await first.ReadAsync("signin", Answer)).GetProperty("status").GetInt32());
            await first.KillAsync();
        }

        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
        await using var second = await WorkerProcess.StartAsync(arguments, Ready);

        // The first call after the restart uses the stored tokens: no sign-in, no refresh.
        await second.SendAsync("api acme/alice");
        var firstCall = await second.ReadAsync("api", Answer);
        Assert.Equal(200, firstCall.GetProperty("status").GetInt32());
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
        Assert.Equal(0, justLogin.Journal.CountGrant("refresh_token"));

        // As the token nears its expiry the instance refreshes it with the stored refresh token, and calls keep succeeding.
        var stored = firstCall.GetProperty("token").GetString();
        var deadline = TimeProvider.System.GetUtcNow() + lifetime + TimeSpan.FromSeconds(5);
        string? current;
        do
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System);
            await second.SendAsync("api acme/alice");
            var call = await second.ReadAsync("api", Answer);
            Assert.Equal(200, call.GetProperty("status").GetInt32());
            current = call.GetProperty("token").GetString();
        }
        while (current == stored && TimeProvider.System.GetUtcNow() < deadline);

        Assert.NotEqual(stored, current);
        Assert.Equal(1, justLogin.Journal.CountGrant("refresh_token"));
        Assert.Equal(0, justLogin.ApiUnauthorizedCount);

        // The rotated set reached Redis: a third process uses it without signing in or refreshing again.
        await second.KillAsync();
        await using var third = await WorkerProcess.StartAsync(arguments, Ready);
        await third.SendAsync("api acme/alice");
        var thirdCall = await third.ReadAsync("api", Answer);
        Assert.Equal(200, thirdCall.GetProperty("status").GetInt32());
        Assert.Equal(current, thirdCall.GetProperty("token").GetString());
        Assert.Equal(1, justLogin.Journal.CountGrant("refresh_token"));
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));
    }

    private static string Prefix() => "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    private static async Task BurstAsync(WorkerProcess[] workers, int requests)
    {
        await Task.WhenAll(workers.Select(w => w.SendAsync("burst " + requests)));
        foreach (var worker in workers)
        {
            for (var i = 0; i < 2; i++)
            {
                var burst = await worker.ReadAsync("burst", Answer);
                Assert.True(burst.GetProperty("failed").GetInt32() == 0, $"Worker {worker.Id}: {burst}; logs: {string.Join(" ", worker.Logs)}");
                Assert.Equal(requests, burst.GetProperty("ok").GetInt32());
            }
        }
    }
}
