using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenClients.RedisTests.Support;

/// <summary>One instance of an application, in this process: its own container, its own Redis connection.</summary>
public sealed class Instance : IAsyncDisposable
{
    private Instance(ServiceProvider services, CapturingLoggerProvider logs)
    {
        Services = services;
        Logs = logs;
    }

    public ServiceProvider Services { get; }

    public CapturingLoggerProvider Logs { get; }

    public static Instance Create(KeyRing keys, Action<IServiceCollection> configure)
    {
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        keys.Configure(services);
        configure(services);
        return new Instance(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), logs);
    }

    public ITokenProvider Provider(string name) => Services.GetRequiredKeyedService<ITokenProvider>(name);

    public async ValueTask DisposeAsync() => await Services.DisposeAsync();
}
