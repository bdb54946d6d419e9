using TokenClients.Tests.Support;

namespace TokenClients.Tests.SignIn;

public sealed partial class DeviceCodeFlowTests
{
    [Fact]
    public async Task Cancelling_stops_the_polling_at_once()
    {
        _client.Forever("authorization_pending");
        var authorization = await _flow.StartAsync("alice");
        using var cancel = new CancellationTokenSource();

        var completing = _flow.CompleteAsync(authorization, cancel.Token);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 1);
        await WaitUntil(() => _time.Timers >= 2);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completing.WaitAsync(TimeSpan.FromSeconds(10)));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(_client.Polls);
        Assert.Null(await _store.GetAsync("tv", "alice"));
    }

    [Fact]
    public async Task Two_callers_completing_one_device_code_poll_once_the_second_is_refused()
    {
        var held = new TaskCompletionSource();
        _client.Gate = held.Task;
        _client.Script((string?)null);
        var authorization = await _flow.StartAsync("alice");

        var first = _flow.CompleteAsync(authorization);
        var second = await Assert.ThrowsAsync<InvalidOperationException>(() => _flow.CompleteAsync(authorization).WaitAsync(TimeSpan.FromSeconds(10)));
        await WaitUntil(() => _time.Timers >= 1);
        _time.Advance(TimeSpan.FromSeconds(3));
        await WaitUntil(() => _client.Polls.Count == 1);
        held.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Contains("already being completed", second.Message, StringComparison.Ordinal);
        Assert.Single(_client.Polls);
        Assert.NotNull(await _store.GetAsync("tv", "alice"));
    }

    [Fact]
    public async Task Neither_the_device_code_nor_the_user_code_nor_a_token_reaches_a_log()
    {
        _client.Script("authorization_pending", "slow_down", null);
        var authorization = await _flow.StartAsync("alice");
        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 1);
        await AdvanceAsync(TimeSpan.FromSeconds(3), timers: 2);
        await AdvanceAsync(TimeSpan.FromSeconds(8), timers: 3);
        var result = await completing.WaitAsync(TimeSpan.FromSeconds(10));

        var records = _logs.GetSnapshot();
        Assert.Contains(records, r => r.Id.Id == 120);
        Assert.Contains(records, r => r.Id.Id == 122);
        foreach (var record in records)
        {
            var line = FakeLogText.Line(record);
            Assert.DoesNotContain(DeviceCode, line, StringComparison.Ordinal);
            Assert.DoesNotContain(UserCode, line, StringComparison.Ordinal);
            Assert.DoesNotContain(result.Tokens.AccessToken, line, StringComparison.Ordinal);
            Assert.DoesNotContain("device-refresh", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_authorization_started_by_another_provider_is_refused()
    {
        var other = new TokenClients.OAuth2.DeviceCodeFlow("other", _client, _store, _time, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var authorization = await other.StartAsync("alice");

        await Assert.ThrowsAsync<ArgumentException>(() => _flow.CompleteAsync(authorization));
        Assert.Empty(_client.Polls);
    }
}
