using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Support;

/// <summary>A service collection wired for tests: fake time, captured logs, a strict MockHttp token endpoint.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private ServiceProvider? _services;

    public Harness()
    {
        Mock.Fallback.Throw(new InvalidOperationException("An HTTP request matched no expectation."));
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public MockHttpMessageHandler Mock { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    public ServiceCollection Services { get; } = new();

    public ServiceProvider Provider => _services ??= Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

    /// <summary>Registers a provider whose token endpoint traffic goes to <see cref="Mock"/>, without retries.</summary>
    public ITokenProviderBuilder AddProvider(string name, Action<ITokenProviderBuilder> configure) =>
        Services.AddTokenProvider(name, builder =>
        {
            configure(builder);
            builder.ConfigureTokenHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => Mock));
            builder.ConfigureResilience(r => r.Retry.MaxRetryAttempts = 1);
        });

    public ITokenProvider Get(string name) => Provider.GetRequiredKeyedService<ITokenProvider>(name);

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Mock.Dispose();
    }
}
