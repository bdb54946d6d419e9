using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Tests.Support;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// Every vendor flow over real HTTP — first token, API calls, refresh, a 401 recovery and failures — with logs
/// captured at Trace for every category (IHttpClientFactory's included), every ActivitySource and Meter listened
/// to, and every exception and <c>ToString()</c> kept. Then every secret the flows used is searched for: the
/// credentials, and each token, refresh token, code and PKCE verifier the emulators saw on the wire.
/// </summary>
public sealed class SecretLeakTests : IDisposable
{
    /// <summary>Activities, metrics and what the test keeps (logs go to each flow's own collector).</summary>
    private readonly TelemetryCapture _telemetry = new();

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task No_secret_of_any_vendor_flow_reaches_logs_traces_metrics_exceptions_or_strings()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
        var logs = new FakeLogCollector();
        var secrets = new HashSet<string>(StringComparer.Ordinal) { "demo-secret", "alice-password", "not-her-password", "context-secret-4d2a" };
        Keep(new TokenContext(subject: "alice", scope: "api", parameters: [new("api_key", "context-secret-4d2a")]));
        var emulators = new List<TokenEndpointEmulator>();
        foreach (var vendor in VendorCase.Vendors)
        {
            await using (var rig = await StartAsync(vendor, time, logs))
            {
                emulators.Add(rig.Emulator);

                // First token and API calls; then a 401 from the API and the recovery; then expiry and refresh.
                await CallApiAsync(rig);
                rig.Emulator.RevokeAccessTokens();
                await CallApiAsync(rig);
                time.Advance(TimeSpan.FromMinutes(2));
                await CallApiAsync(rig);
                Keep(await rig.Provider.GetTokenAsync(rig.Context));
                Keep(rig.Context);
                KeepOptions(rig);
                if (vendor.Subject is { } subject)
                {
                    Keep((await rig.Services.GetRequiredService<ITokenStore>().GetAsync(vendor.Name, subject))!);
                }
            }

            // The same flow refused: a wrong password (or, without one, a wrong client secret).
            await using (var refused = await StartAsync(vendor, time, logs, VendorCredentials.Demo with { Secret = "wrong-" + vendor.Name, Password = "not-her-password" }))
            {
                secrets.Add("wrong-" + vendor.Name);
                emulators.Add(refused.Emulator);
                var failure = await Record.ExceptionAsync(() => CallApiAsync(refused));
                Assert.IsType<TokenRequestException>(failure, exactMatch: false);
                Keep(failure);
            }
        }

        foreach (var emulator in emulators)
        {
            foreach (var request in emulator.Journal.Requests)
            {
                Keep(request);
                foreach (var parameters in new[] { request.Form, request.Json, request.Query })
                {
                    foreach (var (name, value) in parameters)
                    {
                        if (name is "password" or "client_secret" or "refresh_token" or "refreshToken" or "code" or "code_verifier")
                        {
                            secrets.Add(value);
                        }
                    }
                }

                if (request.Headers.TryGetValue("Authorization", out var authorization) && authorization.Split(' ') is [_, var credential])
                {
                    secrets.Add(credential);
                }
            }
        }

        var everything = _telemetry.Everything() + '\n' + logs.AllText();

        // What was searched is real: every kind of output was produced, IHttpClientFactory's logging among it.
        Assert.Contains("System.Net.Http.HttpClient.", everything, StringComparison.Ordinal);
        Assert.Contains("TokenClients.TokenProvider", everything, StringComparison.Ordinal);
        Assert.Contains("TokenClients.TokenRequest", everything, StringComparison.Ordinal);
        Assert.Contains("tokenclients.", everything, StringComparison.Ordinal);
        Assert.Contains("failed", everything, StringComparison.Ordinal);
        Assert.Contains(secrets, s => s.Length > 100); // tokens and refresh tokens were collected from the wire
        Assert.True(emulators.Any(e => e.Journal.Requests.Any(r => r.Form.ContainsKey("code_verifier"))), "The PKCE verifier must be among the secrets.");
        Assert.True(emulators.Any(e => e.Journal.Requests.Any(r => r.Query.ContainsKey("password"))), "Telmai's query-string password must be among the secrets.");

        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"A secret of {secret.Length} characters leaked.");
            Assert.False(everything.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal), $"A secret of {secret.Length} characters leaked URL-encoded.");
        }
    }

    private static Task<VendorApp> StartAsync(VendorCase vendor, TimeProvider time, FakeLogCollector logs, VendorCredentials? credentials = null) =>
        vendor.StartAsync(time, TimeSpan.FromSeconds(90), credentials: credentials, services: services => services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new FakeLoggerProvider(logs));
        }));

    private static async Task CallApiAsync(VendorApp rig)
    {
        if (rig.Case.Subject is { } subject && await rig.Services.GetRequiredService<ITokenStore>().GetAsync(rig.Name, subject) is null)
        {
            await rig.AcquireAsync();
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, rig.Emulator.ApiEndpoint).WithTokenContext(rig.Context);
        using var response = await rig.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    private void KeepOptions(VendorApp rig) => Keep(rig.Options);

    private void Keep(object value) => _telemetry.Keep(value);
}
