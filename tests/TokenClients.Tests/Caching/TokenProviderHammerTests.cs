using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>
/// Many callers, a clock that jumps, random invalidations, constant eviction and refresh tokens that work once: the
/// provider's promises hold under all of it at once.
/// </summary>
public sealed class TokenProviderHammerTests
{
    private const int Workers = 8;
    private const int CallsPerWorker = 400;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Hammer_never_reuses_a_refresh_token_never_overlaps_requests_and_never_serves_a_dropped_or_expired_token(bool signedInUsers)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var server = new OneTimeRefreshClient(time) { RequiresInteraction = signedInUsers, Lifetime = TimeSpan.FromHours(1), Delay = async () => await Task.Yield() };
        var store = new InMemoryTokenStore();
        var users = new[] { "u0", "u1", "u2" };
        foreach (var user in users)
        {
            await store.SetAsync("test", user, server.SignIn());
        }

        var options = new TokenProviderOptions { MaxCachedContexts = 4, RejectedTokenCooldown = TimeSpan.Zero };
        using var provider = new TokenProvider("test", server, options, time, NullLogger.Instance, store);
        var contexts = users.SelectMany(user => new[]
        {
            TokenContext.ForSubject(user),
            new TokenContext(user, resource: "https://a"),
            new TokenContext(user, resource: "https://b"),
        }).ToArray();
        var failures = new ConcurrentQueue<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var workers = Enumerable.Range(0, Workers).Select(seed => Task.Run(async () =>
        {
            var random = new Random(seed);
            var dropped = new Dictionary<TokenContext, HashSet<string>>();
            var last = new Dictionary<TokenContext, AccessToken>();
            for (var i = 0; i < CallsPerWorker && !deadline.IsCancellationRequested; i++)
            {
                if (random.Next(10) == 0)
                {
                    // The clock jumps under everyone's feet: refresh windows open, tokens expire mid-flight.
                    time.Advance(TimeSpan.FromSeconds(random.Next(0, 300)));
                }

                var context = contexts[random.Next(contexts.Length)];
                if (random.Next(10) == 0 && last.TryGetValue(context, out var rejected))
                {
                    await provider.InvalidateAsync(rejected, context);
                    (dropped.TryGetValue(context, out var set) ? set : dropped[context] = []).Add(rejected.Value);
                }

                var before = time.GetUtcNow();
                var token = await provider.GetTokenAsync(context).AsTask().WaitAsync(deadline.Token);
                last[context] = token;
                if (token.ExpiresAt <= before)
                {
                    failures.Enqueue($"expired token served to {context}");
                }

                if (dropped.TryGetValue(context, out var gone) && gone.Contains(token.Value))
                {
                    failures.Enqueue($"invalidated token {token.Value} served again to {context}");
                }

                var audience = OneTimeRefreshClient.AudienceOf(token.Value);
                if (audience != (context.Resource ?? "default"))
                {
                    failures.Enqueue($"token for {audience} served to {context}");
                }
            }
        })).ToArray();

        await Task.WhenAll(workers);

        Assert.False(deadline.IsCancellationRequested, "the hammer did not finish within its time bound");
        Assert.Empty(failures);
        Assert.Equal(0, server.ReusedRefreshTokens);
        Assert.Equal(1, server.MaxInFlightPerContext);
        Assert.True(server.Requests + server.Refreshes > Workers, "the clock and invalidations must have forced token requests");
    }
}
