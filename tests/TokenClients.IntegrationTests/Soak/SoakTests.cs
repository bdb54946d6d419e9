using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.IntegrationTests.Support;
using TokenClients.IntegrationTests.Support.VendorCases;

namespace TokenClients.IntegrationTests.Soak;

/// <summary>
/// Thirty simulated minutes of traffic through all five vendors over real loopback HTTP: one FakeTimeProvider drives
/// token expiry in the emulators, the providers and the resilience pipeline, so the half hour passes in seconds.
/// </summary>
public sealed class SoakTests
{
    private const int CallersPerVendor = 50;
    private const int DistinctContextLimit = 50;
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan MaxAdvanceInRound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Thirty_minutes_of_five_vendors_with_random_faults_send_nothing_without_a_live_token_and_lose_no_refresh_token()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var rigs = new List<VendorApp>();
        foreach (var vendor in VendorCase.Vendors)
        {
            rigs.Add(await vendor.StartAsync(time, TokenLifetime, resilience: r =>
            {
                // Back-off and timeouts run on the fake clock, which moves only while calls wait.
                r.Retry.Delay = TimeSpan.FromMilliseconds(200);
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
                r.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(20);
            }, configure: p => p.ConfigureProvider(o => o.MaxCachedContexts = DistinctContextLimit)));
        }

        await using var cleanup = new AsyncDisposables(rigs);
        await rigs.Single(r => r.Name == "justlogin").AcquireAsync();
        var emulators = rigs.Select(r => r.Emulator).ToList();
        foreach (var emulator in emulators)
        {
            emulator.Faults.RandomSeed = 20261124;
            emulator.Faults.RandomFailureRate = 0.1;
        }

        var failures = new ConcurrentBag<Exception>();
        var succeeded = 0;
        var rounds = 0;
        var distinct = 0;
        var realTime = System.Diagnostics.Stopwatch.StartNew();
        var end = time.GetUtcNow() + Duration;
        while (time.GetUtcNow() < end)
        {
            Assert.True(realTime.Elapsed < TimeSpan.FromMinutes(3), "The soak must finish in bounded real time.");
            var calls = new List<Task>(CallersPerVendor * rigs.Count);
            foreach (var vendor in rigs)
            {
                for (var caller = 0; caller < CallersPerVendor; caller++)
                {
                    // One Mluvii caller per round asks for a context nobody asked for before: the cache must stay bounded.
                    var context = vendor.Name == "mluvii" && caller == 0
                        ? new TokenContext(parameters: [new("acr_values", "tenant-" + Interlocked.Increment(ref distinct))])
                        : vendor.Context;
                    calls.Add(CallAsync(vendor, context));
                }
            }

            await DriveUntilDoneAsync(time, Task.WhenAll(calls));
            time.Advance(Round);
            rounds++;
        }

        // Every API request that left carried a live token: the emulators' APIs never answered 401.
        Assert.All(emulators, emulator => Assert.True(emulator.ApiUnauthorizedCount == 0,
            $"{emulator.GetType().Name} answered 401 to {emulator.ApiUnauthorizedCount} of {emulator.ApiCallCount} calls; failures: {failures.Count}, rounds {rounds}: {Summary(failures)}"));

        // Every failure a caller saw was typed, and none asked a person to sign in again: no rotated refresh token was lost.
        Assert.All(failures, failure => Assert.IsType<TokenRequestException>(failure));
        Assert.True(succeeded > rounds * CallersPerVendor * rigs.Count * 0.99, $"{succeeded} calls succeeded in {rounds} rounds; {failures.Count} failed: {Summary(failures)}");
        Assert.True(emulators.Sum(e => e.Journal.TokenRequests.Count) > 30, "The faults must have been met by many token requests.");
        Assert.True(emulators.Sum(e => e.Journal.TokenRequests.Count(r => r.StatusCode == 503)) > 0, "Random faults must have been injected.");

        // The refresh tokens held at the end still work: one more lifetime later, every vendor refreshes and succeeds.
        foreach (var emulator in emulators)
        {
            emulator.Faults.Clear();
        }

        time.Advance(TokenLifetime * 2);
        var final = rigs.Select(v => CallAsync(v, v.Context)).ToArray();
        var failedBefore = failures.Count;
        await DriveUntilDoneAsync(time, Task.WhenAll(final));
        Assert.Equal(failedBefore, failures.Count);

        var mluvii = (TokenProvider)rigs.Single(r => r.Name == "mluvii").Provider;
        Assert.InRange(mluvii.CachedContextCount, 1, DistinctContextLimit);

        async Task CallAsync(VendorApp vendor, TokenContext context)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, vendor.Emulator.ApiEndpoint).WithTokenContext(context);
            try
            {
                using var response = await vendor.Client.SendAsync(request);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Interlocked.Increment(ref succeeded);
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                failures.Add(exception);
            }
        }
    }

    private static string Summary(IEnumerable<Exception> failures) => string.Join("; ", failures
        .GroupBy(f => f.GetType().Name + ": " + f.Message)
        .OrderByDescending(g => g.Count())
        .Take(5)
        .Select(g => $"{g.Count()} x {g.Key} ({g.First().InnerException?.GetType().Name ?? "no inner exception"})"));

    /// <summary>
    /// Moves fake time in small steps while calls wait on retry back-offs, until they finish. A round moves the clock
    /// by at most <see cref="MaxAdvanceInRound"/>, well inside the tokens' clock skew, so a call that is merely slow in
    /// real time never finds its token expired on arrival.
    /// </summary>
    private static async Task DriveUntilDoneAsync(FakeTimeProvider time, Task calls)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        var advanced = TimeSpan.Zero;
        while (!calls.IsCompleted)
        {
            Assert.True(bound.Elapsed < TimeSpan.FromSeconds(30), "A round of calls did not finish.");
            await Task.WhenAny(calls, Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System));
            if (!calls.IsCompleted && advanced < MaxAdvanceInRound)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                advanced += TimeSpan.FromMilliseconds(100);
            }
        }

        await calls;
    }
}
