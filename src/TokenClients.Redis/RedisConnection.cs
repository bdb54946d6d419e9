using StackExchange.Redis;

namespace TokenClients.Redis;

/// <summary>The Redis connection TokenClients uses; disposed with the container when TokenClients opened it.</summary>
internal sealed class RedisConnection(IConnectionMultiplexer multiplexer, bool owned) : IDisposable
{
    public IConnectionMultiplexer Multiplexer { get; } = multiplexer;

    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>
    /// Opens a connection that never blocks the application on a Redis outage: it does not abort when Redis is down
    /// at start, reconnects in the background, fails a command at once while disconnected instead of queueing it, and
    /// gives up on a command after one second unless told otherwise.
    /// </summary>
    public static RedisConnection Open(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!Mentions(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = 1000;
        }

        if (!Mentions(configuration, "syncTimeout"))
        {
            options.SyncTimeout = 1000;
        }

        if (!Mentions(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = 1000;
        }

        return new RedisConnection(ConnectionMultiplexer.Connect(options), owned: true);
    }

    public void Dispose()
    {
        if (owned)
        {
            Multiplexer.Dispose();
        }
    }

    private static bool Mentions(string configuration, string option) =>
        configuration.Contains(option + "=", StringComparison.OrdinalIgnoreCase);
}
