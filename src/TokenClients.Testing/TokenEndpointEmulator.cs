using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TokenClients.Testing;

/// <summary>
/// A loopback token server written from a vendor's page: Kestrel on 127.0.0.1 at a free port, JWT tokens it tracks
/// (issued here, not expired by <see cref="EmulatorOptions.TimeProvider"/>, not revoked), a protected API, a journal
/// of token requests and fault injection.
/// </summary>
public abstract partial class TokenEndpointEmulator : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly byte[] _signingKey = RandomNumberGenerator.GetBytes(32);
    private WebApplication? _app;
    private int _apiCalls;
    private int _apiUnauthorized;

    /// <summary>Initializes a new instance of the <see cref="TokenEndpointEmulator"/> class.</summary>
    /// <param name="options">The shared settings.</param>
    /// <param name="defaultAccessTokenLifetime">The vendor's documented access token lifetime.</param>
    protected TokenEndpointEmulator(EmulatorOptions options, TimeSpan defaultAccessTokenLifetime)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        AccessTokenLifetime = options.AccessTokenLifetime ?? defaultAccessTokenLifetime;
        RefreshTokenLifetime = options.RefreshTokenLifetime;
    }

    /// <summary>Gets the server's address, for example <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>Gets the token endpoint.</summary>
    public abstract Uri TokenEndpoint { get; }

    /// <summary>Gets the protected API: GET answers 200 for a live token issued here, 401 otherwise.</summary>
    public Uri ApiEndpoint => new(BaseAddress, ApiPath);

    /// <summary>Gets the token requests received.</summary>
    public EmulatorJournal Journal { get; } = new();

    /// <summary>Gets the fault injection of the token endpoint.</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>Gets or sets the lifetime of access tokens issued from now on.</summary>
    public TimeSpan AccessTokenLifetime { get; set; }

    /// <summary>Gets or sets the lifetime of refresh tokens issued from now on.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; }

    /// <summary>Gets how many API calls arrived.</summary>
    public int ApiCallCount => Volatile.Read(ref _apiCalls);

    /// <summary>Gets how many API calls were answered 401.</summary>
    public int ApiUnauthorizedCount => Volatile.Read(ref _apiUnauthorized);

    /// <summary>Gets the shared settings.</summary>
    protected EmulatorOptions Options { get; }

    /// <summary>Gets the clock that judges expiry.</summary>
    protected TimeProvider Time => Options.TimeProvider;

    /// <summary>Gets the API's path, relative to <see cref="BaseAddress"/>.</summary>
    protected abstract string ApiPath { get; }

    /// <summary>Makes every access token issued so far invalid: the API answers 401 to them.</summary>
    public void RevokeAccessTokens() => Revoke(TokenKind.Access);

    /// <summary>Makes every refresh token issued so far invalid.</summary>
    public void RevokeRefreshTokens() => Revoke(TokenKind.Refresh);

    /// <summary>Returns whether <paramref name="accessToken"/> is a live access token issued here.</summary>
    /// <param name="accessToken">The token.</param>
    /// <returns><see langword="true"/> when the API would accept it.</returns>
    public bool IsLive(string accessToken) => Live(accessToken, TokenKind.Access) is not null;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            // A request left hanging by a failed test must not hold the shutdown for the host's default 30 seconds.
            using var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _app.StopAsync(shutdown.Token).ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the server; called once by each emulator's <c>StartAsync</c>.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>A task that completes when the server listens.</returns>
    protected async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();

        // A test helper leaves the process's signals alone: no console lifetime, no Ctrl+C or SIGTERM handler.
        builder.Services.AddSingleton<IHostLifetime, EmulatorHostLifetime>();
        if (Options.LoggerFactory is { } loggers)
        {
            builder.Services.AddSingleton(loggers);
        }

        var app = builder.Build();
        app.MapGet("/" + ApiPath.TrimStart('/'), ServeApiAsync);
        MapEndpoints(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _app = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.TrimEnd('/') + "/");
    }

    /// <summary>Maps the vendor's token (and authorize) endpoints.</summary>
    /// <param name="app">The application.</param>
    protected abstract void MapEndpoints(WebApplication app);

    /// <summary>Maps a token endpoint: records the request, applies faults, then answers with <paramref name="handle"/>.</summary>
    /// <param name="app">The application.</param>
    /// <param name="path">The path.</param>
    /// <param name="handle">Turns the recorded request into an answer.</param>
    protected void MapTokenEndpoint(WebApplication app, string path, Func<RecordedRequest, EmulatorResponse> handle)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(path, async context =>
        {
            var request = await ReadAsync(context).ConfigureAwait(false);
            var faulted = await Faults.TryApplyAsync(context).ConfigureAwait(false);
            if (faulted is { } faultStatus)
            {
                Journal.Add(request with { StatusCode = faultStatus });
                return;
            }

            var response = handle(request);
            Journal.Add(request with { GrantType = response.GrantType ?? request.GrantType, StatusCode = response.StatusCode });
            await response.WriteAsync(context).ConfigureAwait(false);
        });
    }

    /// <summary>Records a request that is not a token request (an authorize call).</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="statusCode">The status answered.</param>
    /// <returns>A task that completes when recorded.</returns>
    protected async Task RecordAsync(HttpContext context, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        Journal.Add((await ReadAsync(context).ConfigureAwait(false)) with { StatusCode = statusCode });
    }

    /// <summary>Gets the challenge the API answers a refused request with.</summary>
    protected virtual string ApiChallenge => "Bearer error=\"invalid_token\"";

    /// <summary>Reads the token an API request presents, or <see langword="null"/> when it presents none the API accepts.</summary>
    /// <param name="context">The API request's context.</param>
    /// <returns>The token: by default the <c>Bearer</c> token of the <c>Authorization</c> header.</returns>
    protected virtual string? ApiToken(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private async Task ServeApiAsync(HttpContext context)
    {
        Interlocked.Increment(ref _apiCalls);
        if (LiveAccessToken(ApiToken(context)) is not { } issued)
        {
            Interlocked.Increment(ref _apiUnauthorized);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = ApiChallenge;
            return;
        }

        await EmulatorResponse.Json(200, json =>
        {
            json.WriteBoolean("ok", true);
            json.WriteString("subject", issued.Subject);
        }).WriteAsync(context).ConfigureAwait(false);
    }

}

/// <summary>Tokens an emulator just issued.</summary>
/// <param name="AccessToken">The access token.</param>
/// <param name="ExpiresIn">Its lifetime in seconds.</param>
/// <param name="RefreshToken">The refresh token, if issued.</param>
/// <param name="RefreshExpiresIn">The refresh token's lifetime in seconds.</param>
/// <param name="Subject">Whose tokens.</param>
/// <param name="Scope">The scope granted.</param>
public sealed record IssuedTokens(string AccessToken, int ExpiresIn, string? RefreshToken, int RefreshExpiresIn, string Subject, string? Scope)
{
    /// <summary>Gets the signed ID token answered with these tokens, if any (an authorization code's redemption).</summary>
    public string? IdentityToken { get; init; }

    /// <summary>Describes the tokens without printing them.</summary>
    /// <returns>A description.</returns>
    public override string ToString() => $"IssuedTokens {{ Subject = {Subject}, ExpiresIn = {ExpiresIn} }}";
}
