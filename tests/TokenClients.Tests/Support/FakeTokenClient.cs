using System.Net;

namespace TokenClients.Tests.Support;

/// <summary>A scripted token client: each call runs the next behaviour and is counted.</summary>
internal sealed class FakeTokenClient(TimeProvider time) : ITokenClient
{
    private int _requests;
    private int _refreshes;
    private int _issued;

    public bool CanRefresh { get; set; } = true;

    public bool RequiresInteraction { get; set; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public bool IssueRefreshTokens { get; set; }

    /// <summary>Awaited before each answer, so a test can hold requests in flight.</summary>
    public Task Gate { get; set; } = Task.CompletedTask;

    public Func<TokenContext, TokenSet>? OnRequest { get; set; }

    public Func<string, TokenSet>? OnRefresh { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    public int Refreshes => Volatile.Read(ref _refreshes);

    public List<string> RefreshTokensSeen { get; } = [];

    public async Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        await Gate.WaitAsync(cancellationToken);
        return OnRequest?.Invoke(context) ?? Issue();
    }

    public async Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
    {
        var refreshToken = current.RefreshToken!;
        Interlocked.Increment(ref _refreshes);
        lock (RefreshTokensSeen)
        {
            RefreshTokensSeen.Add(refreshToken);
        }

        await Gate.WaitAsync(cancellationToken);
        return OnRefresh?.Invoke(refreshToken) ?? Issue();
    }

    public TokenSet Issue(string? value = null, TimeSpan? lifetime = null)
    {
        var n = Interlocked.Increment(ref _issued);
        return new TokenSet
        {
            AccessToken = value ?? $"access-{n}",
            ExpiresAt = time.GetUtcNow() + (lifetime ?? Lifetime),
            RefreshToken = IssueRefreshTokens ? $"refresh-{n}" : null,
        };
    }

    public static TokenRequestException InvalidGrant() => new("test", HttpStatusCode.BadRequest, "invalid_grant", "expired");
}
