using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>Renewal ahead of expiry and by refresh token, for a client that needs no user.</summary>
public sealed class TokenProviderRefreshTests : TokenProviderTestBase
{
    [Fact]
    public async Task Refresh_ahead_serves_the_current_token_while_one_background_refresh_runs()
    {
        var first = await Provider.GetTokenAsync();
        var gate = new TaskCompletionSource();
        Client.Gate = gate.Task;
        Time.Advance(TimeSpan.FromMinutes(56)); // inside the 5-minute window before the 30-second skew

        var during = Enumerable.Range(0, 50).Select(_ => Provider.GetTokenAsync()).ToArray();

        Assert.All(during, hit => Assert.True(hit.IsCompletedSuccessfully));
        Assert.All(during, hit => Assert.Same(first, hit.Result));
        await WaitUntil(() => Client.Requests == 2);
        gate.SetResult();
        await WaitUntil(() => Provider.GetTokenAsync().AsTask() is { IsCompletedSuccessfully: true } hit && hit.Result.Value != first.Value);
        Assert.Equal(2, Client.Requests);
    }

    [Fact]
    public async Task Refresh_returning_a_token_no_fresher_backs_off()
    {
        var stale = Client.Issue("same-token", TimeSpan.FromHours(1));
        Client.OnRequest = _ => stale;
        var first = await Provider.GetTokenAsync();
        Time.Advance(TimeSpan.FromMinutes(56));
        await Provider.GetTokenAsync();
        await WaitUntil(() => Hit() is { } snapshot && !ReferenceEquals(snapshot, first)); // the refresh landed: same value, new snapshot

        for (var i = 0; i < 20; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            await Provider.GetTokenAsync();
        }

        Assert.Equal(2, Client.Requests);

        // The backoff has passed and the token is inside its (recomputed) refresh window again: one more try.
        Time.SetUtcNow(new DateTimeOffset(2026, 1, 1, 0, 59, 0, TimeSpan.Zero));
        await Provider.GetTokenAsync();
        await WaitUntil(() => Client.Requests == 3);
    }

    [Fact]
    public async Task Refresh_token_is_used_when_there_is_one()
    {
        Client.IssueRefreshTokens = true;
        await Provider.GetTokenAsync();
        Time.Advance(TimeSpan.FromHours(1));

        await Provider.GetTokenAsync();

        Assert.Equal(1, Client.Requests);
        Assert.Equal(["refresh-1"], Client.RefreshTokensSeen);
    }

    [Fact]
    public async Task Refresh_token_rejected_falls_back_to_a_new_token_request()
    {
        Client.IssueRefreshTokens = true;
        await Provider.GetTokenAsync();
        Client.OnRefresh = _ => throw FakeTokenClient.InvalidGrant();
        Time.Advance(TimeSpan.FromHours(1));

        var token = await Provider.GetTokenAsync();

        Assert.Equal(1, Client.Refreshes);
        Assert.Equal(2, Client.Requests);
        Assert.Equal("access-2", token.Value);
    }
}
