using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>
/// A real OAuth2 server for the standard grants: OpenIddict server and validation on Kestrel at 127.0.0.1 (free
/// port), EF Core InMemory stores, <c>client_credentials</c>, <c>password</c> and <c>refresh_token</c> with rolling
/// refresh tokens and no reuse leeway, and a protected API at <c>GET /api/me</c> answering the token's subject.
/// </summary>
/// <remarks>
/// Journals what the tests assert on: every token response (grant, client, how the client authenticated, the
/// refresh token presented and issued, the error), every discovery-document fetch and every API call.
/// </remarks>
public partial class OAuth2Server : IAsyncLifetime
{
    /// <summary>The one user the password grant knows.</summary>
    public const string Username = "alice";

    /// <summary>The user's password.</summary>
    public const string Password = "wonder land&=+%";

    /// <summary>The scope of the protected API.</summary>
    public const string ApiScope = "api";

    /// <summary>A second scope a client may ask for.</summary>
    public const string ReportsScope = "reports";

    private readonly string _database = Guid.NewGuid().ToString("N");
    private int _clients;
    private int _discoveryFetches;
    private WebApplication? _app;

    /// <summary>Gets the issuer, which also serves the API.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the token endpoint.</summary>
    public Uri TokenEndpoint => new(Address, "connect/token");

    /// <summary>Gets every token response the server sent, oldest first.</summary>
    public ConcurrentQueue<TokenExchange> TokenExchanges { get; } = new();

    /// <summary>Gets every call to the protected API, oldest first.</summary>
    public ConcurrentQueue<ApiCall> ApiCalls { get; } = new();

    /// <summary>Gets how many times the discovery document was served.</summary>
    public int DiscoveryFetches => Volatile.Read(ref _discoveryFetches);

    /// <summary>Gets how long issued access tokens live.</summary>
    protected virtual TimeSpan AccessTokenLifetime => TimeSpan.FromHours(1);

    /// <summary>Registers a new confidential client allowed every grant this server offers.</summary>
    /// <param name="secret">The client secret.</param>
    /// <returns>The new client id.</returns>
    public async Task<string> AddClientAsync(string secret)
    {
        var clientId = string.Create(CultureInfo.InvariantCulture, $"client-{Interlocked.Increment(ref _clients)}");
        await using var scope = _app!.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            Permissions =
            {
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.GrantTypes.Password,
                Permissions.GrantTypes.RefreshToken,
                Permissions.Prefixes.Scope + ApiScope,
                Permissions.Prefixes.Scope + ReportsScope,
            },
        });
        return clientId;
    }

    /// <summary>Revokes one issued access token: the API rejects it from now on.</summary>
    /// <param name="accessToken">The access token as sent in the <c>Authorization</c> header.</param>
    /// <returns>A task that completes once the token is revoked.</returns>
    public async Task RevokeAsync(string accessToken)
    {
        if (!new JsonWebToken(accessToken).TryGetPayloadValue<string>(Claims.Private.TokenId, out var tokenId))
        {
            throw new InvalidOperationException("The access token carries no token id: token storage is off.");
        }

        await using var scope = _app!.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var token = await tokens.FindByIdAsync(tokenId) ?? throw new InvalidOperationException("The access token has no entry in the token store.");
        if (!await tokens.TryRevokeAsync(token))
        {
            throw new InvalidOperationException("The access token could not be revoked.");
        }
    }

    /// <summary>Token responses sent to one client, oldest first.</summary>
    /// <param name="clientId">The client id.</param>
    /// <returns>The exchanges.</returns>
    public IReadOnlyList<TokenExchange> ExchangesOf(string clientId) =>
        [.. TokenExchanges.Where(e => string.Equals(e.ClientId, clientId, StringComparison.Ordinal))];

    /// <summary>Creates a plain HttpClient for the server, for requests made without the library.</summary>
    /// <returns>The client.</returns>
    public HttpClient CreatePlainClient() => new() { BaseAddress = Address };

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<OAuth2ServerDbContext>(o =>
        {
            o.UseInMemoryDatabase(_database);
            o.ConfigureWarnings(w => w.Ignore(InMemoryEventId.TransactionIgnoredWarning));
            o.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<OAuth2ServerDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("connect/token");
                o.AllowClientCredentialsFlow().AllowPasswordFlow().AllowRefreshTokenFlow();
                o.RegisterScopes(ApiScope, ReportsScope, Scopes.OfflineAccess);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                o.SetAccessTokenLifetime(AccessTokenLifetime);

                // Rolling refresh tokens are the default; without leeway a redeemed one is refused at once.
                o.SetRefreshTokenReuseLeeway(TimeSpan.Zero);

                // Recorded once the error is normalized (a redeemed refresh token is invalid_token inside, invalid_grant on the wire).
                o.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(h => h
                    .UseInlineHandler(Record)
                    .SetOrder(OpenIddictServerHandlers.Exchange.NormalizeErrorResponse.Descriptor.Order + 1));
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.EnableTokenEntryValidation();
                o.UseAspNetCore();
            });

        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/.well-known/openid-configuration", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _discoveryFetches);
            }

            return next(context);
        });
        app.UseAuthentication();
        app.MapPost("/connect/token", (Func<HttpContext, Task<IResult>>)IssueAsync);
        app.MapGet("/api/me", (Func<HttpContext, Task<IResult>>)ServeApiAsync);
        await app.StartAsync();
        _app = app;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
