using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TokenClients.Testing;

namespace TokenClients.RedisTests.Support;

/// <summary>Builds in-process instances wired to one Redis, one key prefix and one key ring.</summary>
public sealed class Fleet(string redis, KeyRing keys, Action<DistributedTokenCacheOptions>? tune = null)
{
    public string Prefix { get; } = "test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    public Instance Mluvii(MluviiEmulator emulator, params string[] names) => Instance.Create(keys, services =>
    {
        services.AddTokenClientsRedis(redis, Options);
        foreach (var name in names.DefaultIfEmpty("mluvii"))
        {
            services.AddTokenProvider(name, p => p.UseMluvii(o =>
            {
                o.Authority = emulator.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
            }));
        }
    });

    public Instance JustLogin(JustLoginEmulator emulator) => Instance.Create(keys, services =>
    {
        services.AddTokenClientsRedis(redis, Options);
        services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.Authority = emulator.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.RedirectUri = new Uri("http://127.0.0.1/callback");
        }));
    });

    public static async Task SignInAsync(Instance instance, JustLoginEmulator emulator, string subject)
    {
        var flow = instance.Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        var start = await flow.StartAsync(subject);
        await flow.CompleteAsync(await emulator.ApproveAsync(start.AuthorizeUri), subject);
    }

    /// <summary>The keys this fleet wrote to Redis, optionally of one kind (<c>cache:</c>, <c>store:</c>, <c>lock:</c>).</summary>
    public async Task<List<RedisKey>> KeysAsync(IConnectionMultiplexer connection, string kind = "")
    {
        var server = connection.GetServers().Single();
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: Prefix + kind + "*"))
        {
            keys.Add(key);
        }

        return keys;
    }

    private void Options(DistributedTokenCacheOptions options)
    {
        options.KeyPrefix = Prefix;
        tune?.Invoke(options);
    }
}
