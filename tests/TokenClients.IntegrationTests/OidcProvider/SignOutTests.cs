using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// Sign-out with revocation (RFC 7009) against oidc-provider: a user signs in through the authorization-code flow
/// (private_key_jwt), then signs out; the server's introspection judges the refresh token, and the provider must not
/// hand out any token of the user afterwards.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed class SignOutTests(OidcProviderServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly HeldRefreshes _held = new();
    private readonly FakeLogCollector _logs = new();
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        _held.Release();
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sign_out_revokes_the_refresh_token_at_the_server_and_no_token_of_the_user_is_served_afterwards()
    {
        var (flow, provider, store) = Start();
        var tokens = await SignInAsync(flow, "alice");
        Assert.True(await server.IsActiveAsync(tokens.RefreshToken!, "refresh_token"));
        var before = await provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);
        Assert.Equal(tokens.AccessToken, before.Value);

        var result = await flow.SignOutAsync("alice").WaitAsync(Bound);

        Assert.Equal(new SignOutResult("alice", RevocationStatus.Revoked), result);
        Assert.False(await server.IsActiveAsync(tokens.RefreshToken!, "refresh_token"));
        Assert.Null(await store.GetAsync("code", "alice"));
        await Assert.ThrowsAsync<InteractionRequiredException>(() => provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound));
        AssertNoTokenLogged(tokens);
    }

    [Fact]
    public async Task Revocation_endpoint_down_still_signs_out_locally_and_reports_the_failure()
    {
        var (flow, provider, store) = Start(o => o.RevocationEndpoint = ClosedPort());
        var tokens = await SignInAsync(flow, "alice");
        await provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);

        var result = await flow.SignOutAsync("alice").WaitAsync(Bound);

        Assert.Equal(RevocationStatus.Failed, result.Revocation);
        Assert.NotNull(result.RevocationError);
        Assert.DoesNotContain(tokens.RefreshToken!, result.RevocationError.ToString(), StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("code", "alice"));
        await Assert.ThrowsAsync<InteractionRequiredException>(() => provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound));
        // Honest about what did not happen: the server still holds the refresh token as active.
        Assert.True(await server.IsActiveAsync(tokens.RefreshToken!, "refresh_token"));
        AssertNoTokenLogged(tokens);
    }

    [Fact]
    public async Task A_refresh_in_flight_during_sign_out_hands_nothing_out_and_writes_nothing_back()
    {
        var (flow, provider, store) = Start();
        await SignInAsync(flow, "alice");
        var scoped = new TokenContext(subject: "alice", scope: "openid");
        _held.Hold = true;

        // A context with its own scope refreshes with the stored refresh token; the server's answer is held on its way back.
        var inFlight = provider.GetTokenAsync(scoped).AsTask();
        await _held.Answered.Task.WaitAsync(Bound);
        var result = await flow.SignOutAsync("alice").WaitAsync(Bound);
        _held.Release();

        Assert.Equal(RevocationStatus.Revoked, result.Revocation);
        await Assert.ThrowsAsync<InteractionRequiredException>(() => inFlight.WaitAsync(Bound));
        Assert.Null(await store.GetAsync("code", "alice"));
        await Assert.ThrowsAsync<InteractionRequiredException>(() => provider.GetTokenAsync(scoped).AsTask().WaitAsync(Bound));
        await Assert.ThrowsAsync<InteractionRequiredException>(() => provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound));
    }

    private (IAuthorizationCodeFlow Flow, ITokenProvider Provider, ITokenStore Store) Start(Action<AuthorizationCodeOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
        services.AddTokenProvider("code", p =>
        {
            p.UseAuthorizationCode(o =>
            {
                o.Authority = server.Issuer;
                o.ClientId = OidcProviderServer.CodeClient;
                o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
                o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1");
                o.RedirectUri = OidcProviderServer.RedirectUri;
                o.Scope = "openid";
                configure?.Invoke(o);
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => _held));
            p.ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(10);
                r.Retry.MaxRetryAttempts = 1;
            });
        });
        _services = services.BuildServiceProvider();
        return (_services.GetRequiredKeyedService<IAuthorizationCodeFlow>("code"), _services.GetRequiredKeyedService<ITokenProvider>("code"),
            _services.GetRequiredService<ITokenStore>());
    }

    /// <summary>Plays the user's browser: follows the authorize URL through the server's interactions to the callback.</summary>
    private static async Task<TokenSet> SignInAsync(IAuthorizationCodeFlow flow, string subject)
    {
        var request = await flow.StartAsync(subject);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            Timeout = Bound,
        };
        var url = request.AuthorizeUri;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location ?? throw new InvalidOperationException(
                $"The server answered {(int)response.StatusCode} without a redirect: {await response.Content.ReadAsStringAsync()}");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Path) == OidcProviderServer.RedirectUri.AbsoluteUri)
            {
                return (await flow.CompleteAsync(url, subject).WaitAsync(Bound)).Tokens;
            }
        }

        throw new InvalidOperationException("The sign-in never reached the callback.");
    }

    private void AssertNoTokenLogged(TokenSet tokens)
    {
        var written = string.Join('\n', _logs.GetSnapshot().Select(r => $"{r.Message} {r.Exception} {string.Join(';', r.StructuredState ?? [])}"));
        Assert.Contains("signed out", written, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken!, written, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken, written, StringComparison.Ordinal);
    }

    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/token/revocation");
    }

    /// <summary>The primary handler: when <see cref="Hold"/> is on, the server's answer to a refresh is kept until <see cref="Release"/>.</summary>
    private sealed class HeldRefreshes() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Hold { get; set; }

        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var refresh = Hold && request.Content is not null && (await request.Content.ReadAsStringAsync(cancellationToken)).Contains("grant_type=refresh_token", StringComparison.Ordinal);
            var response = await base.SendAsync(request, cancellationToken);
            if (refresh)
            {
                Answered.TrySetResult();
                await _released.Task.WaitAsync(Bound, cancellationToken);
            }

            return response;
        }
    }
}
