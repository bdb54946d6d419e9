using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Protocol;

/// <summary>
/// What a token request does when the wire misbehaves: one-time credentials are never sent twice, reusable ones are, and every failure ends within the total timeout as a <see cref="TokenRequestException"/> that names its cause.
/// </summary>
public sealed class TokenEndpointWireTests : TokenEndpointWireFacts
{
    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_answered_after_the_attempt_timeout_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.DelayAsync(TimeSpan.FromSeconds(1.5));
            await answer.AnswerAsync(200, Token);
        });
        await using var services = Build(server, path, r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Equal("rt-1", server.Requests[0].Form("refresh_token"));
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("0.3 s", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rt-1", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_answered_with_a_server_error_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(503, """{"error":"temporarily_unavailable"}"""));
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_dropped_after_it_was_sent_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start((_, _) => Task.CompletedTask); // reads the request, closes without a word
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Reusable_refresh_tokens_are_sent_again_after_a_server_error(string path)
    {
        var calls = 0;
        await using var server = RawHttpServer.Start((_, answer) => Interlocked.Increment(ref calls) == 1
            ? answer.AnswerAsync(503, """{"error":"temporarily_unavailable"}""")
            : answer.AnswerAsync(200, Token));
        await using var services = Build(server, path, configure: p => p.ConfigureProvider(o => o.ReusableRefreshTokens = true));

        var tokens = await Refresh(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(["rt-1", "rt-1"], server.Requests.Select(r => r.Form("refresh_token")));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_is_sent_again_when_the_first_connection_could_not_be_established(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, Token));
        var connects = 0;
        await using var services = Build(server, path, configure: p => p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() =>
            new RefusingFirstConnection(() => Interlocked.Increment(ref connects)) { InnerHandler = new SocketsHttpHandler() })));

        var tokens = await Refresh(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(2, connects);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Client_credentials_answered_after_the_attempt_timeout_are_sent_again(string path)
    {
        var calls = 0;
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await answer.DelayAsync(TimeSpan.FromSeconds(1.5));
            }

            await answer.AnswerAsync(200, Token);
        });
        await using var services = Build(server, path, r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));

        var tokens = await Request(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("oauth2", "stall")]
    [InlineData("custom", "stall")]
    [InlineData("oauth2", "drip")]
    [InlineData("custom", "drip")]
    [InlineData("discovery", "stall")]
    public async Task Answer_whose_body_never_completes_ends_in_a_timeout(string path, string wire)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.HeadersAsync(200, 200);
            if (wire == "drip")
            {
                await answer.DripAsync(new string(' ', 200), TimeSpan.FromMilliseconds(100));
            }
            else
            {
                await answer.WriteAsync("""{"access_token":""");
                await answer.StallAsync();
            }
        });
        await using var services = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 1;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(400);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(3);
        });

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Contains("attempt timeout (0.4 s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Timeout_messages_name_the_timeout_that_elapsed_and_its_value(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.StallAsync());
        await using var attempt = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 1;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(5);
        });
        await using var total = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 5;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(400);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(1);
        });

        var attemptFailure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(attempt).WaitAsync(Bound));
        var totalFailure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(total).WaitAsync(Bound));

        Assert.Contains("attempt timeout (0.3 s)", attemptFailure.Message, StringComparison.Ordinal);
        Assert.Contains("total timeout (1 s)", totalFailure.Message, StringComparison.Ordinal);
    }
}
