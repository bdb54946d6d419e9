using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Soak;

/// <summary>
/// Thirty simulated minutes of traffic through all five vendors over real loopback HTTP: one FakeTimeProvider drives
/// token expiry in the emulators, the providers and the resilience pipeline, so the half hour passes in seconds.
/// </summary>
public sealed class SoakTests
{
    private const int CallersPerVendor = 50;
    private const int DistinctContextLimit = 50;
    private const string Subject = "acme/alice";
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(30);
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Thirty_minutes_of_five_vendors_with_random_faults_send_nothing_without_a_live_token_and_lose_no_refresh_token()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        await using var rig = await SoakRig.StartAsync(time, TokenLifetime);
        await rig.SignInAsync(Subject);
        foreach (var emulator in rig.Emulators)
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
            var calls = new List<Task>(CallersPerVendor * rig.Vendors.Count);
            foreach (var vendor in rig.Vendors)
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
        Assert.All(rig.Emulators, emulator => Assert.True(emulator.ApiUnauthorizedCount == 0,
            $"{emulator.GetType().Name} answered 401 to {emulator.ApiUnauthorizedCount} of {emulator.ApiCallCount} calls; failures: {failures.Count}, rounds {rounds}: {Summary(failures)}"));

        // Every failure a caller saw was typed, and none asked a person to sign in again: no rotated refresh token was lost.
        Assert.All(failures, failure => Assert.IsType<TokenRequestException>(failure));
        Assert.True(succeeded > rounds * CallersPerVendor * rig.Vendors.Count * 0.99, $"{succeeded} calls succeeded in {rounds} rounds; {failures.Count} failed.");
        Assert.True(rig.TokenRequests > 30, "The faults must have been met by many token requests.");
        Assert.True(rig.FaultedTokenRequests > 0, "Random faults must have been injected.");

        // The refresh tokens held at the end still work: one more lifetime later, every vendor refreshes and succeeds.
        foreach (var emulator in rig.Emulators)
        {
            emulator.Faults.Clear();
        }

        time.Advance(TokenLifetime * 2);
        var final = rig.Vendors.Select(v => CallAsync(v, v.Context)).ToArray();
        var failedBefore = failures.Count;
        await DriveUntilDoneAsync(time, Task.WhenAll(final));
        Assert.Equal(failedBefore, failures.Count);

        var mluvii = (TokenProvider)rig.Services.GetRequiredKeyedService<ITokenProvider>("mluvii");
        Assert.InRange(mluvii.CachedContextCount, 1, DistinctContextLimit);

        async Task CallAsync(SoakRig.Vendor vendor, TokenContext context)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, vendor.Api).WithTokenContext(context);
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

    /// <summary>Moves fake time in small steps while calls wait on retry back-offs or timeouts, until they finish.</summary>
    private static async Task DriveUntilDoneAsync(FakeTimeProvider time, Task calls)
    {
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!calls.IsCompleted)
        {
            Assert.True(bound.Elapsed < TimeSpan.FromSeconds(30), "A round of calls did not finish.");
            await Task.WhenAny(calls, Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System));
            if (!calls.IsCompleted)
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
            }
        }

        await calls;
    }

    private sealed class SoakRig : IAsyncDisposable
    {
        private SoakRig(ServiceProvider services, IReadOnlyList<TokenEndpointEmulator> emulators, IReadOnlyList<Vendor> vendors, JustLoginEmulator justLogin)
        {
            Services = services;
            Emulators = emulators;
            Vendors = vendors;
            JustLogin = justLogin;
        }

        public ServiceProvider Services { get; }

        public IReadOnlyList<TokenEndpointEmulator> Emulators { get; }

        public IReadOnlyList<Vendor> Vendors { get; }

        public JustLoginEmulator JustLogin { get; }

        public int TokenRequests => Emulators.Sum(e => e.Journal.TokenRequests.Count);

        public int FaultedTokenRequests => Emulators.Sum(e => e.Journal.TokenRequests.Count(r => r.StatusCode == 503));

        public static async Task<SoakRig> StartAsync(FakeTimeProvider time, TimeSpan lifetime)
        {
            var mluvii = await MluviiEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime });
            var moodHood = await MoodHoodEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime });
            moodHood.ClientTokenLifetime = lifetime * 3;
            var telmai = await TelmaiEmulator.StartAsync(new TelmaiEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime });
            var oli = await OliEmulator.StartAsync(new OliEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, RefreshTokenLifetime = lifetime * 5 });
            var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, AutoApproveUser = Subject });

            var services = new ServiceCollection();
            services.AddSingleton<TimeProvider>(time);
            services.AddLogging();
            Register(services, "mluvii", mluvii, p => p.UseMluvii(o =>
            {
                o.BaseAddress = mluvii.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
            }).ConfigureProvider(o => o.MaxCachedContexts = DistinctContextLimit));
            Register(services, "moodhood", moodHood, p => p.UseMoodHood(o =>
            {
                o.BaseAddress = moodHood.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
                o.Username = "alice";
                o.Password = "alice-password";
            }));
            Register(services, "telmai", telmai, p => p.UseTelmai(o =>
            {
                o.AuthEndpoint = telmai.BaseAddress;
                o.ClientId = "demo-client";
                o.Username = "alice";
                o.Password = "alice-password";
            }));
            Register(services, "oli", oli, p => p.UseOli(o =>
            {
                o.ServerAddress = oli.BaseAddress;
                o.Username = "alice";
                o.Password = "alice-password";
            }));
            Register(services, "justlogin", justLogin, p => p.UseJustLogin(o =>
            {
                o.BaseAddress = justLogin.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
                o.RedirectUri = new Uri("http://127.0.0.1/callback");
            }));

            var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
            var factory = provider.GetRequiredService<IHttpClientFactory>();
            TokenEndpointEmulator[] emulators = [mluvii, moodHood, telmai, oli, justLogin];
            var vendors = new[] { "mluvii", "moodhood", "telmai", "oli", "justlogin" }
                .Select((name, i) => new Vendor(name, factory.CreateClient(name), emulators[i].ApiEndpoint,
                    name == "justlogin" ? TokenContext.ForSubject(Subject) : TokenContext.Default))
                .ToArray();
            return new SoakRig(provider, emulators, vendors, justLogin);
        }

        public async Task SignInAsync(string subject)
        {
            var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
            var start = await flow.StartAsync(subject);
            var result = await flow.CompleteAsync(await JustLogin.ApproveAsync(start.AuthorizeUri));
            Assert.Equal(subject, result.Subject);
        }

        public async ValueTask DisposeAsync()
        {
            await Services.DisposeAsync();
            foreach (var emulator in Emulators)
            {
                await emulator.DisposeAsync();
            }
        }

        private static void Register(ServiceCollection services, string name, TokenEndpointEmulator emulator, Action<ITokenProviderBuilder> configure)
        {
            services.AddTokenProvider(name, p =>
            {
                configure(p);

                // Back-off and timeouts run on the fake clock, which moves only while calls wait.
                p.ConfigureResilience(r =>
                {
                    r.Retry.Delay = TimeSpan.FromMilliseconds(200);
                    r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                    r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(60);
                    r.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(20);
                });
            });
            services.AddHttpClient(name, c => c.BaseAddress = emulator.BaseAddress).AddTokenHandler(name);
        }

        public sealed record Vendor(string Name, HttpClient Client, Uri Api, TokenContext Context);
    }
}
