using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.OidcProvider;

public sealed partial class TokenExchangeTests
{
    [Fact]
    public async Task Callers_racing_while_the_exchange_endpoint_answers_slowly_share_one_exchange()
    {
        using var slow = new SlowHandler();
        var services = Start(o => o.SubjectTokenProvider = "backend", p => p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => slow)));
        var exchange = services.GetRequiredKeyedService<ITokenProvider>("orders");

        var callers = Enumerable.Range(0, 12).Select(_ => Task.Run(() => exchange.GetTokenAsync().AsTask())).ToList();
        var tokens = await Task.WhenAll(callers).WaitAsync(Bound);

        Assert.Single(tokens.Select(t => t.Value).Distinct());
        Assert.Equal(1, slow.Exchanges);
        Assert.True((await server.IntrospectAsync(tokens[0].Value)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task An_exchange_endpoint_that_answers_after_the_caller_gave_up_leaves_a_typed_timeout_and_the_next_caller_gets_a_token()
    {
        using var slow = new SlowHandler { Delay = TimeSpan.FromSeconds(3) };
        var services = Start(o => o.SubjectTokenProvider = "backend", p =>
        {
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => slow));
            p.ConfigureResilience(r =>
            {
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(2);
                r.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(3);
                r.Retry.MaxRetryAttempts = 1;
                r.Retry.Delay = TimeSpan.FromMilliseconds(10);
            });
        });
        var exchange = services.GetRequiredKeyedService<ITokenProvider>("orders");
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => exchange.GetTokenAsync().AsTask().WaitAsync(Bound));
        Assert.Null(error.StatusCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));

        // The server issued tokens nobody received (the attempt and its one retry); the next caller's exchange is a new one.
        var unseen = slow.Exchanges;
        Assert.InRange(unseen, 1, 2);
        slow.Delay = TimeSpan.Zero;
        var token = await exchange.GetTokenAsync().AsTask().WaitAsync(Bound);
        Assert.True((await server.IntrospectAsync(token.Value)).GetProperty("active").GetBoolean());
        Assert.Equal(unseen + 1, slow.Exchanges);
    }

    /// <summary>Counts token-exchange requests and holds the server's answer to each for <see cref="Delay"/>: the server has issued the token by then.</summary>
    private sealed class SlowHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _exchanges;

        public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

        public int Exchanges => Volatile.Read(ref _exchanges);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            if (body.Contains("token-exchange", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _exchanges);
                try
                {
                    await Task.Delay(Delay, TimeProvider.System, cancellationToken);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }

            return response;
        }
    }
}
