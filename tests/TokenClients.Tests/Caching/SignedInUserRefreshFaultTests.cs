using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>A signed-in user's refresh token under pressure: scoped contexts, lock outages, unanswered refreshes, proxies.</summary>
public sealed class SignedInUserRefreshFaultTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Context_with_its_own_scope_asks_for_that_scope_on_refresh()
    {
        string? body = null;
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(async req =>
        {
            body = await req.Content!.ReadAsStringAsync();
            return new System.Net.Http.HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent("""{"access_token":"at-2","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}""", System.Text.Encoding.UTF8, "application/json"),
            };
        });
        _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
            o.RedirectUri = new Uri("https://app.example/cb");
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.Scope = "openid api";
        }));
        var store = _harness.Provider.GetRequiredService<ITokenStore>();
        await store.SetAsync("code", "alice", new TokenSet { AccessToken = "at-1", ExpiresAt = _harness.Time.GetUtcNow().AddHours(1), RefreshToken = "rt-1", Scope = "openid api" });

        await _harness.Get("code").GetTokenAsync(new TokenContext("alice", scope: "reports.read"));

        Assert.Contains("scope=reports.read", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_time_waiter_never_refreshes_without_the_lock_even_when_a_lock_call_fails()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var flaky = new FlakyHeldLock();
        var coordinator = new DistributedTokenCoordinator(null, flaky, Options.Create(new DistributedTokenCacheOptions()), time, NullLogger.Instance);
        var fetched = 0;
        var task = coordinator.SingleFlightAsync("p", "k",
            _ => ValueTask.FromResult<TokenSet?>(null), _ => false,
            _ => { Interlocked.Increment(ref fetched); return Task.FromResult(new TokenSet { AccessToken = "x", ExpiresAt = time.GetUtcNow().AddHours(1) }); },
            null, oneTimeCredential: true, CancellationToken.None);
        for (var i = 0; i < 5 && !task.IsCompleted; i++)
        {
            await Task.Yield();
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.Equal(0, Volatile.Read(ref fetched));
        if (task.IsCompleted)
        {
            var error = await Assert.ThrowsAsync<TokenRequestException>(() => task);
            Assert.Equal("temporarily_unavailable", error.Error);
        }
    }

    private void AddCode() => _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
    {
        o.TokenEndpoint = new Uri(TokenUrl);
        o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
        o.RedirectUri = new Uri("https://app.example/cb");
        o.ClientId = "c";
        o.ClientSecret = "s";
    }));

    [Fact]
    public async Task Refresh_token_left_unanswered_is_not_presented_again_by_the_next_fetch()
    {
        var dropping = new DroppingHandler();
        _harness.Services.AddTokenProvider("code", p =>
        {
            p.UseAuthorizationCode(o =>
            {
                o.TokenEndpoint = new Uri(TokenUrl);
                o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
                o.RedirectUri = new Uri("https://app.example/cb");
                o.ClientId = "c";
                o.ClientSecret = "s";
            });
            p.ConfigureTokenHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => dropping));
            p.ConfigureResilience(r => r.Retry.MaxRetryAttempts = 1);
        });
        var store = _harness.Provider.GetRequiredService<ITokenStore>();
        await store.SetAsync("code", "alice", new TokenSet { AccessToken = "at-1", ExpiresAt = _harness.Time.GetUtcNow().AddMinutes(-1), RefreshToken = "rt-1" });

        for (var round = 0; round < 2; round++)
        {
            var call = _harness.Get("code").GetTokenAsync(TokenContext.ForSubject("alice")).AsTask();
            for (var i = 0; i < 200 && !call.IsCompleted; i++)
            {
                _harness.Time.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
            }

            await Assert.ThrowsAnyAsync<Exception>(() => call);
        }

        Assert.Equal(1, dropping.Presented);
    }

    [Fact]
    public async Task Proxy_403_without_an_oauth_error_keeps_the_users_token_set()
    {
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(System.Net.HttpStatusCode.Forbidden, "text/html", "<html>blocked</html>");
        AddCode();
        var store = _harness.Provider.GetRequiredService<ITokenStore>();
        await store.SetAsync("code", "alice", new TokenSet { AccessToken = "at-1", ExpiresAt = _harness.Time.GetUtcNow().AddMinutes(-1), RefreshToken = "rt-1" });

        await Assert.ThrowsAnyAsync<Exception>(() => _harness.Get("code").GetTokenAsync(TokenContext.ForSubject("alice")).AsTask());

        Assert.NotNull(await store.GetAsync("code", "alice"));
    }

    /// <summary>A connection that dies before the answer, counting the refresh tokens presented to it.</summary>
    private sealed class DroppingHandler : HttpMessageHandler
    {
        private int _presented;

        public int Presented => Volatile.Read(ref _presented);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if ((await request.Content!.ReadAsStringAsync(cancellationToken)).Contains("refresh_token=rt-1", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _presented);
            }

            throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely.");
        }
    }

    private sealed class FlakyHeldLock : ITokenLock
    {
        private int _calls;

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref _calls) == 2
                ? throw new TimeoutException("one Redis timeout")
                : ValueTask.FromResult<IAsyncDisposable?>(null); // held by another instance
    }
}
