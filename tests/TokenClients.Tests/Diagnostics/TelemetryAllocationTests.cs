using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Diagnostics;

/// <summary>A cache hit costs nothing beyond the token it returns, with the meter listened to.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryAllocationTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Cache_hit_allocates_nothing_with_a_metrics_listener_attached()
    {
        using var listener = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == TokenClientsTelemetry.Name)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>(static (_, _, _, _) => { });
        listener.SetMeasurementEventCallback<double>(static (_, _, _, _) => { });
        listener.Start();
        _harness.Services.AddMetrics();
        var name = "tela-" + Guid.NewGuid().ToString("N")[..8];
        _harness.AddProvider(name, p => p.UseTokenClient("Fake", (_, _) => new FakeTokenClient(_harness.Time)));
        var provider = _harness.Get(name);
        await provider.GetTokenAsync();
        Hits(provider, 100);

        var before = GC.GetAllocatedBytesForCurrentThread();
        Hits(provider, 1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static void Hits(ITokenProvider provider, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var hit = provider.GetTokenAsync();
            if (hit.IsCompletedSuccessfully)
            {
                _ = hit.Result;
            }
            else
            {
                Assert.Fail("A cache hit completes synchronously.");
            }
        }
    }
}
