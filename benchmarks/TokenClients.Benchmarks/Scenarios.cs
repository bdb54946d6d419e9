using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace TokenClients.Benchmarks;

/// <summary>Load scenarios that a microbenchmark cannot express: stampede, renewal under load, lifetimes.</summary>
internal static class Scenarios
{
    public static async Task RunAsync()
    {
        await ColdStampedeAsync();
        var quiet = await RenewalUnderLoadAsync(TimeSpan.FromHours(1), "no renewal");
        await RenewalUnderLoadAsync(TimeSpan.FromSeconds(3), "3 s tokens", quiet);
        await LifetimeAsync(3600);
        await LifetimeAsync(30);
        await SharedCacheOnHitsAsync();
    }

    private static async Task ColdStampedeAsync()
    {
        var (services, client) = Pipelines.Build(43, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(50));
        using (services)
        {
            using var invoker = Pipelines.Invoker(services, "token");
            var latencies = new double[10_000];
            var start = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, latencies.Length).Select(i => Task.Run(async () =>
            {
                var begin = Stopwatch.GetTimestamp();
                using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);
                latencies[i] = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            })));
            Array.Sort(latencies);
            Console.WriteLine($"Cold stampede: 10000 concurrent requests, token endpoint 50 ms -> token requests {client.Requests}, p50 {latencies[5000]:F1} ms, p99 {latencies[9900]:F1} ms, total {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms");
        }
    }

    private static async Task<double> RenewalUnderLoadAsync(TimeSpan lifetime, string label, double? quietP99 = null)
    {
        var (services, client) = Pipelines.Build(43, lifetime, TimeSpan.FromMilliseconds(50));
        using (services)
        {
            using var invoker = Pipelines.Invoker(services, "token");
            await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None); // the first token exists
            var provider = services.GetRequiredKeyedService<ITokenProvider>("bench");
            var samples = new List<double>[8];
            var waited = 0L;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Task.WhenAll(Enumerable.Range(0, 8).Select(loop => Task.Run(async () =>
            {
                var mine = samples[loop] = new List<double>(1 << 20);
                while (!stop.IsCancellationRequested && mine.Count < 20_000_000)
                {
                    var begin = Stopwatch.GetTimestamp();
                    var token = provider.GetTokenAsync();
                    if (token.IsCompletedSuccessfully)
                    {
                        _ = token.Result;
                    }
                    else
                    {
                        Interlocked.Increment(ref waited);
                        await token;
                    }

                    using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);
                    mine.Add(Stopwatch.GetElapsedTime(begin).TotalMicroseconds);

                    // A real request yields while on the wire; an in-memory one never does and would starve the thread pool.
                    await Task.Yield();
                }
            })));
            var all = samples.SelectMany(s => s).Order().ToArray();
            var p99 = all[(int)(all.Length * 0.99)];
            var ratio = quietP99 is { } q ? $", p99 vs no renewal {p99 / q:P0}" : string.Empty;
            Console.WriteLine($"Renewal under load ({label}): 8 loops x 10 s, {all.Length} requests -> token requests {client.Requests} (expected ~{Math.Ceiling(10 / lifetime.TotalSeconds * 1.25) + 1} at most), requests that waited {waited}, p99 {p99:F2} us{ratio}");
            return p99;
        }
    }

    /// <summary>Ten simulated lifetimes of calls every 10 ms (a fake clock): how many token requests per lifetime.</summary>
    private static async Task LifetimeAsync(int expiresIn)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var (services, client) = Pipelines.Build(43, TimeSpan.FromSeconds(expiresIn), TimeSpan.Zero, time: time);
        using (services)
        {
            var provider = services.GetRequiredKeyedService<ITokenProvider>("bench");
            var step = TimeSpan.FromMilliseconds(10);
            var calls = 0L;
            for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(expiresIn * 10); elapsed += step)
            {
                await provider.GetTokenAsync();
                calls++;
                time.Advance(step);
                if (calls % 1000 == 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System); // lets a background refresh finish
                }
            }

            Console.WriteLine($"Lifetime expires_in={expiresIn}: {calls} calls over 10 lifetimes (simulated clock) -> token requests {client.Requests}, {client.Requests / 10.0:F1} per lifetime (never one per request)");
        }
    }

    private static async Task SharedCacheOnHitsAsync()
    {
        var shared = new CountingDistributedCache();
        var (services, client) = Pipelines.Build(43, TimeSpan.FromHours(1), TimeSpan.Zero, shared);
        using (services)
        {
            using var invoker = Pipelines.Invoker(services, "token");
            (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None)).Dispose();
            var afterFirst = shared.Calls;
            for (var i = 0; i < 1_000_000; i++)
            {
                (await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None)).Dispose();
            }

            Console.WriteLine($"Shared (L2) cache registered: first request -> {afterFirst} shared-cache calls, token requests {client.Requests}; then 1000000 warm requests -> {shared.Calls - afterFirst} shared-cache calls");
        }
    }
}
