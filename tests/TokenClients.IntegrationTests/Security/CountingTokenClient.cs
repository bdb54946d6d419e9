namespace TokenClients.IntegrationTests.Security;

/// <summary>Issues "token-1", "token-2", … and counts the requests it answered.</summary>
internal sealed class CountingTokenClient : ITokenClient
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public bool CanRefresh => false;

    public bool RequiresInteraction => false;

    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new TokenSet { AccessToken = $"token-{Interlocked.Increment(ref _requests)}", ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1) });

    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
