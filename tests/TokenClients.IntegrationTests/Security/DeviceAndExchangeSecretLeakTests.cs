using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using TokenClients.IntegrationTests.OidcProvider;
using TokenClients.Tests.Support;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// The device flow and token exchange against oidc-provider with logs at Trace for every category, every ActivitySource
/// and Meter listened to, and every exception and <c>ToString()</c> kept; then the device code, the user code, the
/// client secret and every token of the flows (subject, exchanged, refresh, identity) are searched for.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed class DeviceAndExchangeSecretLeakTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly OidcProviderServer _server;
    private readonly ConcurrentQueue<string> _captured = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public DeviceAndExchangeSecretLeakTests(OidcProviderServer server)
    {
        _server = server;
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _captured.Enqueue(
                $"{activity.Source.Name} {activity.DisplayName} {activity.StatusDescription} {string.Join(';', activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))}"),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Capture(instrument, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, _, tags, _) => Capture(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Capture(instrument, tags));
        _meters.Start();
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    [Fact]
    public async Task No_device_code_user_code_or_token_of_a_device_sign_in_and_its_exchange_reaches_logs_traces_metrics_exceptions_or_strings()
    {
        var logs = new FakeLogCollector();
        var secrets = new HashSet<string>(StringComparer.Ordinal) { OidcProviderServer.ExchangeSecret };
        await using var services = Build(logs);
        var flow = services.GetRequiredKeyedService<IDeviceCodeFlow>("device");

        // Approved after a slow_down, then served, exchanged for the user and exchanged from a request-carried token.
        var approved = await flow.StartAsync("alice").WaitAsync(Bound);
        Keep(approved);
        await _server.DeviceAsync(approved.UserCode, "slow_down");
        var completing = flow.CompleteAsync(approved);
        await _server.DeviceAsync(approved.UserCode, "approve", account: "alice");
        var result = await completing.WaitAsync(Bound);
        Keep(result);
        Keep(result.Tokens);
        secrets.UnionWith([approved.DeviceCode, approved.UserCode, result.Tokens.AccessToken, result.Tokens.RefreshToken!, result.Tokens.IdentityToken!]);
        var exchanged = await services.GetRequiredKeyedService<ITokenProvider>("orders").GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);
        var carried = new TokenContext(parameters: [new(TokenExchangeOptions.SubjectTokenParameter, result.Tokens.AccessToken)]);
        Keep(carried);
        var onward = await services.GetRequiredKeyedService<ITokenProvider>("onward").GetTokenAsync(carried).AsTask().WaitAsync(Bound);
        Keep(exchanged);
        Keep(onward);
        secrets.UnionWith([exchanged.Value, onward.Value]);

        // Denied, and an exchange of a token the server never issued: their exceptions.
        var denied = await flow.StartAsync("bob").WaitAsync(Bound);
        secrets.UnionWith([denied.DeviceCode, denied.UserCode]);
        var denying = flow.CompleteAsync(denied);
        await _server.DeviceAsync(denied.UserCode, "deny");
        Keep(await Assert.ThrowsAsync<DeviceCodeFlowException>(() => denying.WaitAsync(Bound)));
        var forged = "forged-" + result.Tokens.AccessToken;
        secrets.Add(forged);
        Keep(await Assert.ThrowsAsync<TokenRequestException>(() => services.GetRequiredKeyedService<ITokenProvider>("onward")
            .GetTokenAsync(new TokenContext(parameters: [new(TokenExchangeOptions.SubjectTokenParameter, forged)])).AsTask().WaitAsync(Bound)));

        var everything = string.Join('\n', _captured) + '\n' + logs.AllText();
        Assert.Contains("TokenClients.TokenClient", everything, StringComparison.Ordinal);
        Assert.Contains("tokenclients.", everything, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"A secret ({secret.Length} characters) reached logs, traces, metrics, exceptions or strings.");
        }
    }

    private ServiceProvider Build(FakeLogCollector logs)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        services.AddTokenProvider("device", p => p.UseDeviceCode(o =>
        {
            o.Authority = _server.Issuer;
            o.ClientId = OidcProviderServer.DeviceClient;
            o.Scope = "openid offline_access";
        }));
        foreach (var (name, subjectProvider) in new[] { ("orders", "device"), ("onward", (string?)null) })
        {
            services.AddTokenProvider(name, p => p.UseTokenExchange(o =>
            {
                o.Authority = _server.Issuer;
                o.ClientId = OidcProviderServer.ExchangeClient;
                o.ClientSecret = OidcProviderServer.ExchangeSecret;
                o.SubjectTokenProvider = subjectProvider;
                o.Audience = "orders-api";
            }));
        }

        return services.BuildServiceProvider();
    }

    private void Keep(object value) => _captured.Enqueue(value is Exception exception ? exception.ToString() : value.ToString() ?? string.Empty);

    private void Capture(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = instrument.Meter.Name + " " + instrument.Name;
        foreach (var tag in tags)
        {
            text += $" {tag.Key}={tag.Value}";
        }

        _captured.Enqueue(text);
    }
}
