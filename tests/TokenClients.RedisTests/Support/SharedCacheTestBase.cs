using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using TokenClients.Testing;

namespace TokenClients.RedisTests.Support;

/// <summary>Tests over the collection's Redis server: a key ring the instances share and a connection to inspect Redis.</summary>
/// <param name="redis">The collection's Redis server.</param>
public abstract class SharedCacheTestBase(RedisFixture redis) : IAsyncLifetime, IDisposable
{
    protected RedisFixture Redis { get; } = redis;

    protected KeyRing Keys { get; } = new();

    protected ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync() => Connection = await ConnectionMultiplexer.ConnectAsync(Redis.Server.Configuration);

    public async Task DisposeAsync() => await Connection.DisposeAsync();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Keys.Dispose();
        }
    }

    /// <summary>
    /// An instance with JustLogin and the shared cache over Redis, without the Redis store: the application registers a
    /// lock of its own (without one, a user provider over this store is refused).
    /// </summary>
    protected Instance JustLoginOverDistributedCache(JustLoginEmulator justLogin, string prefix, bool withLock = true) => Instance.Create(Keys, services =>
    {
        services.AddStackExchangeRedisCache(o => o.Configuration = Redis.Server.Configuration);
        if (withLock)
        {
            services.AddSingleton<ITokenLock>(new RedisTestLock(Connection, prefix));
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
