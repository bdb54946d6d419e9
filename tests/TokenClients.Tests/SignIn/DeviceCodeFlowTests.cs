using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.OAuth2;

namespace TokenClients.Tests.SignIn;

/// <summary>
/// The polling of <see cref="IDeviceCodeFlow"/> (RFC 8628 section 3.5) on a fake clock: when it polls, what each answer
/// does, what is stored, and that neither code reaches a log. The wire is in <see cref="DeviceCodeWireTests"/>.
/// </summary>
public sealed partial class DeviceCodeFlowTests
{
    private const string DeviceCode = "device-code-4f1a9c2e-secret";
    private const string UserCode = "WDJB-MJHT";
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TimerCountingTime _time = new(Start);
    private readonly ScriptedDeviceClient _client;
    private readonly InMemoryTokenStore _store = new();
    private readonly FakeLogCollector _logs = new();
    private readonly DeviceCodeFlow _flow;

    public DeviceCodeFlowTests()
    {
        _client = new ScriptedDeviceClient(_time) { Answer = new(DeviceCode, UserCode, new Uri("https://idp.example/device"), new Uri($"https://idp.example/device?user_code={UserCode}"), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(3)) };
        _flow = new DeviceCodeFlow("tv", _client, _store, _time, new FakeLogger(_logs));
    }

    [Fact]
    public async Task Start_returns_what_to_show_the_user_and_never_the_device_code()
    {
        var authorization = await _flow.StartAsync("alice");

        Assert.Equal(UserCode, authorization.UserCode);
        Assert.Equal(new Uri("https://idp.example/device"), authorization.VerificationUri);
        Assert.Equal(new Uri($"https://idp.example/device?user_code={UserCode}"), authorization.VerificationUriComplete);
        Assert.Equal(Start + TimeSpan.FromMinutes(10), authorization.ExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(3), authorization.Interval);
        Assert.Equal("alice", authorization.Subject);
        Assert.DoesNotContain(DeviceCode, authorization.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(UserCode, authorization.ToString(), StringComparison.Ordinal);
        Assert.Null(typeof(DeviceAuthorization).GetProperty("DeviceCode"));
    }

    [Fact]
    public async Task Polls_each_interval_until_approved_then_stores_the_token_set_for_the_subject()
    {
        _client.Script("authorization_pending", "authorization_pending", null);
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromSeconds(2.9), timers: 1);
        Assert.Empty(_client.Polls);
        await AdvanceAsync(TimeSpan.FromSeconds(0.1), timers: 1);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 2);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 3);
        var result = await completing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([3, 6, 9], _client.Polls.Select(p => (p - Start).TotalSeconds));
        Assert.Equal("alice", result.Subject);
        Assert.Equal(result.Tokens.AccessToken, (await _store.GetAsync("tv", "alice"))!.AccessToken);
        Assert.All(_client.DeviceCodesSent, code => Assert.Equal(DeviceCode, code));
    }

    [Fact]
    public async Task Slow_down_adds_five_seconds_to_every_later_interval()
    {
        _client.Script("slow_down", "authorization_pending", "slow_down", null);
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 1);   // t=3: slow_down → 8 s
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 2);   // t=6: too early, no poll
        Assert.Single(_client.Polls);
        await AdvanceAsync(TimeSpan.FromSeconds(5), timers: 2);   // t=11: pending
        await AdvanceAsync(TimeSpan.FromSeconds(8), timers: 3);   // t=19: slow_down → 13 s
        await AdvanceAsync(TimeSpan.FromSeconds(13), timers: 4);  // t=32: approved
        await completing.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([3, 11, 19, 32], _client.Polls.Select(p => (p - Start).TotalSeconds));
        Assert.Contains(_logs.GetSnapshot(), r => r.Id.Id == 121);
    }

    [Theory]
    [InlineData("access_denied", DeviceCodeFailure.AccessDenied)]
    [InlineData("expired_token", DeviceCodeFailure.Expired)]
    public async Task Denied_or_expired_answer_ends_with_a_typed_failure_and_stores_nothing(string error, DeviceCodeFailure failure)
    {
        _client.Script("authorization_pending", error);
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 1);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 2);
        var exception = await Assert.ThrowsAsync<DeviceCodeFlowException>(() => completing.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(failure, exception.Failure);
        Assert.Equal(error, exception.Error);
        Assert.Equal("alice", exception.Subject);
        Assert.DoesNotContain("alice", exception.Message, StringComparison.Ordinal);
        Assert.Null(await _store.GetAsync("tv", "alice"));
        Assert.Equal(2, _client.Polls.Count);
    }

    [Fact]
    public async Task A_server_that_never_decides_is_polled_only_until_the_device_code_expires()
    {
        _client.Answer = _client.Answer with { ExpiresIn = TimeSpan.FromSeconds(10) };
        _client.Forever("authorization_pending");
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        for (var timers = 1; timers <= 4; timers++)
        {
            await AdvanceAsync(TimeSpan.FromSeconds(3), timers);   // polls at 3, 6 and 9; at 12 the code has expired
        }

        var exception = await Assert.ThrowsAsync<DeviceCodeFlowException>(() => completing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(DeviceCodeFailure.Expired, exception.Failure);
        Assert.Equal([3, 6, 9], _client.Polls.Select(p => (p - Start).TotalSeconds));
    }

    /// <summary>Advances the clock once the flow waits on its <paramref name="timers"/>-th timer, then lets it run.</summary>
    private async Task AdvanceAsync(TimeSpan by, int timers)
    {
        await WaitUntil(() => _time.Timers >= timers);
        _time.Advance(by);
        await WaitUntil(() => _client.Busy == 0);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }
}
