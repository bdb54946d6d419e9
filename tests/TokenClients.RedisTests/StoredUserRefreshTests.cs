using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TokenClients.RedisTests.Support;

namespace TokenClients.RedisTests;

/// <summary>
/// A stored user token set is used instead of a refresh only when it is newer than the one the provider holds: the
/// rule that lets an instance take another instance's rotated set, and that makes refresh-ahead really refresh.
/// </summary>
public sealed class StoredUserRefreshTests
{
    [Fact]
    public async Task Refresh_ahead_of_a_stored_user_token_refreshes_instead_of_serving_the_same_set_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var client = new UserTokenClient(time);
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddTokenProvider("users", p => p.UseTokenClient("Users", (_, _) => client));
        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ITokenStore>();
        await store.SetAsync("users", "u", client.Issue());
        var tokens = provider.GetRequiredKeyedService<ITokenProvider>("users");
        var user = TokenContext.ForSubject("u");

        var signedIn = await tokens.GetTokenAsync(user);
        time.Advance(TimeSpan.FromMinutes(55)); // inside the refresh window of a one-hour token
        Assert.Equal(signedIn.Value, (await tokens.GetTokenAsync(user)).Value);
        for (var i = 0; i < 200 && (await store.GetAsync("users", "u"))!.AccessToken == signedIn.Value; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        var refreshed = await tokens.GetTokenAsync(user);
        Assert.NotEqual(signedIn.Value, refreshed.Value);
        Assert.Equal(1, client.Refreshes);
        Assert.Equal(refreshed.Value, (await store.GetAsync("users", "u"))!.AccessToken);
        Assert.Equal(0, logs.Count(4)); // never "given a token no fresher than the one it holds"
    }

    private sealed class UserTokenClient(TimeProvider time) : ITokenClient
    {
        private int _issued;
        private int _refreshes;

        public bool CanRefresh => true;

        public bool RequiresInteraction => true;

        public int Refreshes => Volatile.Read(ref _refreshes);

        public TokenSet Issue()
        {
            var n = Interlocked.Increment(ref _issued);
            return new TokenSet { AccessToken = "access-" + n, RefreshToken = "refresh-" + n, ExpiresAt = time.GetUtcNow().AddHours(1) };
        }

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
            throw new InteractionRequiredException("users", context.Subject, "Sign in first.");

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
        {
            var refreshToken = current.RefreshToken!;
            Interlocked.Increment(ref _refreshes);
            return Task.FromResult(Issue());
        }
    }
}
