using TokenClients.RedisTests.Support;
using TokenClients.Testing;

namespace TokenClients.RedisTests;

/// <summary>Redis going away and coming back: never a failed request, one warning, sharing again afterwards.</summary>
[Collection(RedisGroup.Name)]
public sealed class FaultTests : IDisposable
{
    private readonly KeyRing _keys = new();

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task Redis_stopped_mid_run_keeps_requests_succeeding_and_sharing_resumes_when_it_is_back()
    {
        await using var server = await RedisServer.StartAsync();
        await using var emulator = await MluviiEmulator.StartAsync();
        var fleet = new Fleet(server.Configuration, _keys, o => o.UnavailableBackoff = TimeSpan.FromMilliseconds(500));
        await using var first = fleet.Mluvii(emulator);
        await using var second = fleet.Mluvii(emulator);

        // Each context is its own key; the Mluvii client sends the context's parameters, so the journal tells keys apart.
        static TokenContext Key(string n) => new(parameters: [new("n", n)]);
        int Requests(string n) => emulator.Journal.TokenRequests.Count(r => r.Form.GetValueOrDefault("n") == n);
        async Task BothAsync(string n)
        {
            var a = await first.Provider("mluvii").GetTokenAsync(Key(n));
            var b = await second.Provider("mluvii").GetTokenAsync(Key(n));
            Assert.True(emulator.IsLive(a.Value));
            Assert.True(emulator.IsLive(b.Value));
        }

        await BothAsync("before");
        Assert.Equal(1, Requests("before"));

        await server.StopAsync();

        // In-process hits need no Redis; new keys are fetched directly, by each instance alone.
        var outage = TimeProvider.System.GetTimestamp();
        await BothAsync("before");
        for (var i = 0; i < 5; i++)
        {
            await BothAsync("down-" + i);
            Assert.Equal(2, Requests("down-" + i));
        }

        var outageTime = TimeProvider.System.GetElapsedTime(outage);
        Assert.True(outageTime < TimeSpan.FromSeconds(5), $"Eleven requests took {outageTime} with Redis down.");
        Assert.Equal(1, Requests("before"));
        Assert.Equal(1, first.Logs.Count(12));
        Assert.Equal(1, second.Logs.Count(12));
        Assert.All(first.Logs.Entries.Concat(second.Logs.Entries), e => Assert.True(e.Level < Microsoft.Extensions.Logging.LogLevel.Error, e.Message));

        await server.RestartAsync();

        // Once the connection is back (the client reconnects by itself), a key fetched by one instance is read by the other.
        var resumed = false;
        for (var i = 0; i < 100 && !resumed; i++)
        {
            await BothAsync("after-" + i);
            resumed = Requests("after-" + i) == 1;
            if (!resumed)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            }
        }

        Assert.True(resumed, "The instances did not share tokens again after Redis came back.");
        Assert.True(first.Logs.Count(13) + second.Logs.Count(13) >= 1);
        Assert.Equal(1, first.Logs.Count(12));
        Assert.Equal(1, second.Logs.Count(12));
    }

    [Fact]
    public async Task Redis_absent_at_start_leaves_each_instance_working_alone_with_one_warning()
    {
        await using var emulator = await MluviiEmulator.StartAsync();
        using var nobody = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        nobody.Start();
        var port = ((System.Net.IPEndPoint)nobody.LocalEndpoint).Port;
        nobody.Stop();
        var fleet = new Fleet("127.0.0.1:" + port, _keys);
        await using var instance = fleet.Mluvii(emulator);

        var started = TimeProvider.System.GetTimestamp();
        var token = await instance.Provider("mluvii").GetTokenAsync();
        var again = await instance.Provider("mluvii").GetTokenAsync(new TokenContext(scope: "other"));

        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
        Assert.True(emulator.IsLive(token.Value));
        Assert.True(emulator.IsLive(again.Value));
        Assert.Equal(1, instance.Logs.Count(12));
    }
}
