using System.Collections.Concurrent;
using System.Net;

namespace TokenClients.Tests.Support;

/// <summary>
/// A strict token server in process: every refresh token works once (a second use is <c>invalid_grant</c> and counted),
/// access tokens name the audience they were issued for, and requests in flight are counted per context.
/// </summary>
internal sealed class OneTimeRefreshClient(TimeProvider time) : ITokenClient
{
    private readonly ConcurrentDictionary<string, byte> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _spent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _issued;
    private int _reused;
    private int _maxInFlight;
    private int _requests;
    private int _refreshes;

    public bool CanRefresh => true;

    public bool RequiresInteraction { get; init; }

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Awaited inside each request, so a test can hold requests in flight or make them asynchronous.</summary>
    public Func<Task> Delay { get; set; } = () => Task.CompletedTask;

    /// <summary>Gets how many times a spent refresh token was presented again.</summary>
    public int ReusedRefreshTokens => Volatile.Read(ref _reused);

    /// <summary>Gets the most requests ever in flight at once for one context.</summary>
    public int MaxInFlightPerContext => Volatile.Read(ref _maxInFlight);

    public int Requests => Volatile.Read(ref _requests);

    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Issues a token set as a sign-in would, for the user's plain context.</summary>
    public TokenSet SignIn() => Issue(TokenContext.Default);

    /// <summary>The audience an access token was issued for.</summary>
    public static string AudienceOf(string accessToken) => accessToken[(accessToken.IndexOf(':', StringComparison.Ordinal) + 1)..accessToken.LastIndexOf(':')];

    public async Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        using (Enter(context))
        {
            await Delay().WaitAsync(cancellationToken);
            return Issue(context);
        }
    }

    public async Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
    {
        var refreshToken = current.RefreshToken!;
        Interlocked.Increment(ref _refreshes);
        using (Enter(context))
        {
            await Delay().WaitAsync(cancellationToken);
            if (!_live.TryRemove(refreshToken, out _))
            {
                if (_spent.ContainsKey(refreshToken))
                {
                    Interlocked.Increment(ref _reused);
                }

                throw new TokenRequestException("test", HttpStatusCode.BadRequest, "invalid_grant", "refresh token already used");
            }

            _spent[refreshToken] = 0;
            return Issue(context);
        }
    }

    private TokenSet Issue(TokenContext context)
    {
        var n = Interlocked.Increment(ref _issued);
        var refreshToken = $"rt-{n}";
        _live[refreshToken] = 0;
        return new TokenSet
        {
            AccessToken = $"at:{context.Resource ?? context.Scope ?? "default"}:{n}",
            ExpiresAt = time.GetUtcNow() + Lifetime,
            RefreshToken = refreshToken,
        };
    }

    private Exit Enter(TokenContext context)
    {
        var key = context.ToString();
        var now = _inFlight.AddOrUpdate(key, 1, (_, count) => count + 1);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        return new Exit(_inFlight, key);
    }

    private readonly struct Exit(ConcurrentDictionary<string, int> inFlight, string key) : IDisposable
    {
        public void Dispose() => inFlight.AddOrUpdate(key, 0, (_, count) => count - 1);
    }
}
