using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.Tests.Security;

/// <summary>
/// Every vendor flow, successes and failures, with logs captured at Trace for every category, activity and metric
/// listeners attached, and every exception and ToString() kept: no secret appears anywhere.
/// </summary>
public sealed class SecretLeakTests : IAsyncDisposable
{
    private static readonly string[] Secrets =
    [
        "mluvii-secret-7f3a", "moodhood-secret-9c1d", "moodhood-pass-2b8e", "telmai-pass-5e6f", "oli-pass-8a9b",
        "justlogin-secret-1c2d", "access-token-3e4f", "refresh-token-5a6b", "auth-code-7c8d",
    ];

    private readonly Harness _harness = new();
    private readonly StringBuilder _captured = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public SecretLeakTests()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (_captured)
                {
                    _captured.AppendLine(activity.DisplayName).AppendJoin(';', activity.TagObjects.Select(t => $"{t.Key}={t.Value}")).AppendLine();
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Capture(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Capture(instrument, tags));
        _meters.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _activities.Dispose();
        _meters.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task No_secret_reaches_logs_traces_metrics_exceptions_or_strings()
    {
        var mock = _harness.Mock;
        mock.When(HttpMethod.Post, "https://app.mluvii.com/login/connect/token").Respond("application/json", """{"access_token":"access-token-3e4f","expires_in":3600}""");
        mock.When(HttpMethod.Post, "https://moodhood.online/v1/auth/token").Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_client"}""");
        mock.When(HttpMethod.Post, "https://telmai.example/auth/token").Respond(HttpStatusCode.Unauthorized, "application/json", """{"description":"Unauthorized"}""");
        mock.When(HttpMethod.Post, "https://auth.olisystems.com/auth/realms/api/protocol/openid-connect/token")
            .Respond("application/json", """{"access_token":"access-token-3e4f","expires_in":1,"refresh_token":"refresh-token-5a6b","token_type":"bearer"}""");
        mock.When(HttpMethod.Post, "https://apis.justlogin.com/v1/auth/connect/token").Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_grant"}""");

        _harness.AddProvider("mluvii", p => p.UseMluvii(o => { o.ClientId = "m"; o.ClientSecret = "mluvii-secret-7f3a"; }));
        _harness.AddProvider("moodhood", p => p.UseMoodHood(o => { o.ClientId = "mh"; o.ClientSecret = "moodhood-secret-9c1d"; o.Username = "u"; o.Password = "moodhood-pass-2b8e"; }));
        _harness.AddProvider("telmai", p => p.UseTelmai(o => { o.AuthEndpoint = new Uri("https://telmai.example"); o.ClientId = "t"; o.Username = "u"; o.Password = "telmai-pass-5e6f"; }));
        _harness.AddProvider("oli", p => p.UseOli(o => { o.Username = "u"; o.Password = "oli-pass-8a9b"; }));
        _harness.AddProvider("justlogin", p => p.UseJustLogin(o => { o.ClientId = "j"; o.ClientSecret = "justlogin-secret-1c2d"; o.RedirectUri = new Uri("https://app.example/cb"); }));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("telmai");

        Keep(await _harness.Get("mluvii").GetTokenAsync());
        await KeepFailure(() => _harness.Get("moodhood").GetTokenAsync().AsTask());
        await KeepFailure(() => _harness.Get("telmai").GetTokenAsync().AsTask());
        await KeepFailure(() => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(new Uri("x", UriKind.Relative)));
        Keep(await _harness.Get("oli").GetTokenAsync());
        _harness.Time.Advance(TimeSpan.FromSeconds(2));
        Keep(await _harness.Get("oli").GetTokenAsync());

        var flow = _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        var start = await flow.StartAsync("alice");
        Keep(start);
        await KeepFailure(() => flow.CompleteAsync(new Uri($"https://app.example/cb?code=auth-code-7c8d&state={start.State}")));
        await KeepFailure(() => _harness.Get("justlogin").GetTokenAsync(TokenContext.ForSubject("alice")).AsTask());

        Keep(_harness.Provider.GetRequiredService<IOptionsMonitor<MluviiOptions>>().Get("mluvii"));
        Keep(_harness.Provider.GetRequiredService<IOptionsMonitor<MoodHoodOptions>>().Get("moodhood"));
        Keep(_harness.Provider.GetRequiredService<IOptionsMonitor<TelmaiOptions>>().Get("telmai"));
        Keep(_harness.Provider.GetRequiredService<IOptionsMonitor<OliOptions>>().Get("oli"));
        Keep(_harness.Provider.GetRequiredService<IOptionsMonitor<JustLoginOptions>>().Get("justlogin"));
        Keep(new TokenSet { AccessToken = "access-token-3e4f", RefreshToken = "refresh-token-5a6b", ExpiresAt = _harness.Time.GetUtcNow() });
        Keep(new TokenContext(subject: "alice", parameters: [new("api_key", "mluvii-secret-7f3a")]));

        var everything = _captured + "\n" + _harness.Logs.AllText;
        // What was captured is real: exceptions, activities, metrics and log lines of the flows above.
        Assert.Contains("provider 'telmai' failed", everything, StringComparison.Ordinal);
        Assert.Contains("TokenClients.TokenRequest", everything, StringComparison.Ordinal);
        Assert.Contains("tokenclients.token.requests", everything, StringComparison.Ordinal);
        Assert.Contains("TokenClients.TokenProvider", everything, StringComparison.Ordinal);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(secret), everything, StringComparison.Ordinal);
        }
    }

    private void Capture(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder(instrument.Name);
        foreach (var tag in tags)
        {
            text.Append(';').Append(tag.Key).Append('=').Append(tag.Value);
        }

        lock (_captured)
        {
            _captured.AppendLine(text.ToString());
        }
    }

    private void Keep(object value)
    {
        lock (_captured)
        {
            _captured.AppendLine(value.ToString());
        }
    }

    private async Task KeepFailure(Func<Task> action)
    {
        var exception = await Record.ExceptionAsync(action);
        Assert.NotNull(exception);
        Keep(exception);
    }
}
