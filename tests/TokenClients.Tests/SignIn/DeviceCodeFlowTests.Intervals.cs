namespace TokenClients.Tests.SignIn;

/// <content>A server whose <c>interval</c> outlasts its own device code, or any timer.</content>
public sealed partial class DeviceCodeFlowTests
{
    [Fact]
    public async Task An_interval_longer_than_the_device_code_lives_ends_at_the_expiry_not_an_interval_later()
    {
        _client.Answer = _client.Answer with { ExpiresIn = TimeSpan.FromMinutes(10), Interval = TimeSpan.FromHours(1) };
        _client.Forever("authorization_pending");
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromMinutes(10), timers: 1);

        var exception = await Assert.ThrowsAsync<DeviceCodeFlowException>(() => completing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(DeviceCodeFailure.Expired, exception.Failure);
        Assert.Empty(_client.Polls);
    }

    [Fact]
    public async Task An_interval_too_long_for_a_timer_fails_with_the_typed_expiry()
    {
        // 68 years: more than a timer takes (about 49.7 days).
        _client.Answer = _client.Answer with { ExpiresIn = TimeSpan.FromSeconds(10), Interval = TimeSpan.FromSeconds(int.MaxValue) };
        _client.Forever("authorization_pending");
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromSeconds(10), timers: 1);

        var exception = await Assert.ThrowsAnyAsync<Exception>(() => completing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(DeviceCodeFailure.Expired, Assert.IsType<DeviceCodeFlowException>(exception).Failure);
    }

    [Fact]
    public async Task An_interval_and_a_lifetime_too_long_for_a_timer_poll_once_a_day()
    {
        _client.Answer = _client.Answer with { ExpiresIn = TimeSpan.FromSeconds(int.MaxValue), Interval = TimeSpan.FromSeconds(int.MaxValue) };
        _client.Forever("authorization_pending");
        var authorization = await _flow.StartAsync("alice");

        var completing = _flow.CompleteAsync(authorization);
        await AdvanceAsync(TimeSpan.FromDays(1), timers: 1);
        await AdvanceAsync(TimeSpan.FromDays(1), timers: 2);
        await WaitUntil(() => _client.Polls.Count >= 2 || completing.IsCompleted);

        Assert.False(completing.IsCompleted, completing.Exception?.ToString());
        Assert.Equal([1, 2], _client.Polls.Select(p => (p - Start).TotalDays));
    }
}
