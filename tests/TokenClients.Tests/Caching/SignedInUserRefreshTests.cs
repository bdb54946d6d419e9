using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>
/// The contexts of one signed-in user share one stored refresh token, which the server accepts once: their refreshes
/// must never spend it twice, never lose the rotated one, and never hand a token for one audience to another context.
/// </summary>
public sealed class SignedInUserRefreshTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryTokenStore _store = new();
    private readonly OneTimeRefreshClient _server;
    private readonly List<TokenProvider> _providers = [];

    public SignedInUserRefreshTests() => _server = new OneTimeRefreshClient(_time) { RequiresInteraction = true };

    public void Dispose() => _providers.ForEach(p => p.Dispose());

    [Fact]
    public async Task Two_contexts_of_one_user_refresh_one_at_a_time_and_keep_the_newest_refresh_token()
    {
        var provider = Create();
        await _store.SetAsync("test", "alice", _server.SignIn());
        _time.Advance(TimeSpan.FromMinutes(11)); // the stored access token has expired: both contexts must refresh
        var bothStarted = new TaskCompletionSource();
        var started = 0;
        _server.Delay = () =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.TrySetResult();
            }

            // Overlap the two refreshes when the provider lets them overlap; otherwise each waits a moment alone.
            return Task.WhenAny(bothStarted.Task, Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System));
        };

        var plain = provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask();
        var reports = provider.GetTokenAsync(new TokenContext("alice", resource: "https://reports")).AsTask();
        var tokens = await Task.WhenAll(plain, reports).WaitAsync(Bound);

        Assert.Equal(0, _server.ReusedRefreshTokens);
        Assert.Equal("default", OneTimeRefreshClient.AudienceOf(tokens[0].Value));
        Assert.Equal("https://reports", OneTimeRefreshClient.AudienceOf(tokens[1].Value));
        var stored = await _store.GetAsync("test", "alice");
        Assert.NotNull(stored);
        Assert.Equal("rt-3", stored.RefreshToken); // the second refresh's rotated token: the only live one
    }

    [Fact]
    public async Task Context_with_its_own_resource_never_hands_its_token_to_the_plain_context()
    {
        var provider = Create();
        var signIn = _server.SignIn();
        await _store.SetAsync("test", "alice", signIn);

        var reports = await provider.GetTokenAsync(new TokenContext("alice", resource: "https://reports"));
        var plain = await provider.GetTokenAsync(TokenContext.ForSubject("alice"));

        Assert.Equal("https://reports", OneTimeRefreshClient.AudienceOf(reports.Value));
        Assert.Equal(signIn.AccessToken, plain.Value);
        var stored = await _store.GetAsync("test", "alice");
        Assert.Equal(signIn.AccessToken, stored!.AccessToken); // the user's own token stays
        Assert.Equal("rt-2", stored.RefreshToken);             // with the refresh token the other context rotated
    }

    [Fact]
    public async Task Instance_that_lost_a_refresh_race_retries_with_the_rotated_token_for_its_own_audience()
    {
        var a = Create();
        var b = Create();
        await _store.SetAsync("test", "alice", _server.SignIn());
        _time.Advance(TimeSpan.FromMinutes(11));
        var release = new TaskCompletionSource();
        var calls = 0;
        _server.Delay = () => Interlocked.Increment(ref calls) == 1 ? release.Task : Task.CompletedTask;
        var reports = new TokenContext("alice", resource: "https://reports");

        // B starts its refresh with rt-1 and stalls; A refreshes with rt-1 meanwhile and stores rt-2's successor.
        var slow = b.GetTokenAsync(reports).AsTask();
        while (Volatile.Read(ref calls) == 0)
        {
            await Task.Yield();
        }

        var fast = await a.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);
        release.SetResult();
        var token = await slow.WaitAsync(Bound);

        Assert.Equal("default", OneTimeRefreshClient.AudienceOf(fast.Value));
        Assert.Equal("https://reports", OneTimeRefreshClient.AudienceOf(token.Value));
        var stored = await _store.GetAsync("test", "alice");
        Assert.NotNull(stored);
        Assert.Equal(fast.Value, stored.AccessToken);
        Assert.Equal("rt-3", stored.RefreshToken);
    }

    private TokenProvider Create()
    {
        var provider = new TokenProvider("test", _server, new TokenProviderOptions(), _time, NullLogger.Instance, _store);
        _providers.Add(provider);
        return provider;
    }
}
