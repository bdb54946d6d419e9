using System.Net;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// RFC 9207 against oidc-provider, which advertises <c>authorization_response_iss_parameter_supported</c> and sends
/// <c>iss</c>: its callbacks are accepted; a callback whose <c>iss</c> was changed (a mix-up: another server's response) or
/// removed is refused with a typed error, no code goes to the token endpoint, and the sign-in is used up.
/// </summary>
[Collection(OidcProviderGroup.Name)]
public sealed class ResponseIssuerTests(OidcProviderServer server) : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly FakeLogCollector _logs = new();
    private readonly CountingHandler _tokenEndpoint = new();
    private ServiceProvider? _services;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_callback_of_oidc_provider_carries_its_iss_and_is_redeemed()
    {
        var flow = Start();
        var callback = await CallbackAsync(flow, "alice");

        Assert.Equal(server.Issuer.GetLeftPart(UriPartial.Authority), HttpUtility.ParseQueryString(callback.Query)["iss"]);
        var result = await flow.CompleteAsync(callback, "alice").WaitAsync(Bound);

        Assert.True(await server.IsActiveAsync(result.Tokens.AccessToken, "access_token"));
    }

    [Fact]
    public async Task A_callback_with_another_servers_iss_is_refused_no_code_is_redeemed_and_the_sign_in_is_used_up()
    {
        var flow = Start();
        var callback = await CallbackAsync(flow, "alice");
        var before = _tokenEndpoint.Posts;

        var error = await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(
            () => flow.CompleteAsync(WithIss(callback, "http://127.0.0.1:1"), "alice").WaitAsync(Bound));

        Assert.False(error.IsMissing);
        Assert.Equal(before, _tokenEndpoint.Posts);
        var replay = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(callback, "alice").WaitAsync(Bound));
        Assert.Equal("invalid_state", replay.Error);
        Assert.Equal(before, _tokenEndpoint.Posts);
    }

    [Fact]
    public async Task A_callback_without_iss_is_refused_because_the_server_advertises_it()
    {
        var flow = Start();
        var callback = await CallbackAsync(flow, "alice");
        var before = _tokenEndpoint.Posts;

        var error = await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(() => flow.CompleteAsync(WithIss(callback, null), "alice").WaitAsync(Bound));

        Assert.True(error.IsMissing);
        Assert.Equal(before, _tokenEndpoint.Posts);
    }

    private static Uri WithIss(Uri callback, string? iss)
    {
        var query = HttpUtility.ParseQueryString(callback.Query);
        query.Remove("iss");
        if (iss is not null)
        {
            query["iss"] = iss;
        }

        return new UriBuilder(callback) { Query = query.ToString() }.Uri;
    }

    private IAuthorizationCodeFlow Start()
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
            });
            p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => _tokenEndpoint));
        });
        _services = services.BuildServiceProvider();
        return _services.GetRequiredKeyedService<IAuthorizationCodeFlow>("code");
    }

    /// <summary>Plays the user's browser up to the callback URL, which it returns without completing the sign-in.</summary>
    private static async Task<Uri> CallbackAsync(IAuthorizationCodeFlow flow, string subject)
    {
        var request = await flow.StartAsync(subject);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { Timeout = Bound };
        var url = request.AuthorizeUri;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location ?? throw new InvalidOperationException($"The server answered {(int)response.StatusCode} without a redirect.");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Path) == OidcProviderServer.RedirectUri.AbsoluteUri)
            {
                return url;
            }
        }

        throw new InvalidOperationException("The sign-in never reached the callback.");
    }

    /// <summary>The token endpoint's primary handler: counts the POSTs (code redemptions) that reach the server.</summary>
    private sealed class CountingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                Interlocked.Increment(ref _posts);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
