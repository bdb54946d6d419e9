using System.Collections.Concurrent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenClients.RedisTests.Support;

/// <summary>A Data Protection key ring in a temporary directory, as instances share it through a volume.</summary>
public sealed class KeyRing : IDisposable
{
    public const string ApplicationName = "tokenclients-redis-tests";

    public KeyRing()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("tokenclients-keys-");

        // The key is created once, before any instance starts, as a deployment would.
        var services = new ServiceCollection();
        Configure(services);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("warm-up").Protect("key ring created"u8.ToArray());
    }

    public DirectoryInfo Directory { get; }

    public void Configure(IServiceCollection services) =>
        services.AddDataProtection().SetApplicationName(ApplicationName).PersistKeysToFileSystem(Directory);

    public void Dispose() => Directory.Delete(recursive: true);
}

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

public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message);

public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    public int Count(int eventId) => _entries.Count(e => e.EventId == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId.Id, formatter(state, exception) + (exception is null ? string.Empty : " " + exception)));
    }
}
