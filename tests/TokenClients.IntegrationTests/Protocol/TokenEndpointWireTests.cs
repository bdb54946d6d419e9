using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Protocol;

/// <summary>
/// What a token request does when the wire misbehaves, against a raw socket server: one-time credentials are never
/// sent twice, every failure ends within the total timeout as a <see cref="TokenRequestException"/> that names its
/// cause, redirects are not followed, and hostile answers are refused. Both wire paths: the standard grants
/// (<c>oauth2</c>) and the described endpoint (<c>custom</c>).
/// </summary>
public sealed class TokenEndpointWireTests
{
    private const string Provider = "idp";
    private const string Token = """{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}""";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Paths => ["oauth2", "custom"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_answered_after_the_attempt_timeout_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.DelayAsync(TimeSpan.FromSeconds(1.5));
            await answer.AnswerAsync(200, Token);
        });
        await using var services = Build(server, path, r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Equal("rt-1", server.Requests[0].Form("refresh_token"));
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("0.3 s", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rt-1", failure.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_answered_with_a_server_error_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(503, """{"error":"temporarily_unavailable"}"""));
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
        Assert.Contains("503", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_dropped_after_it_was_sent_is_not_sent_again(string path)
    {
        await using var server = RawHttpServer.Start((_, _) => Task.CompletedTask); // reads the request, closes without a word
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Refresh(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Contains("refresh token was not sent again", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Reusable_refresh_tokens_are_sent_again_after_a_server_error(string path)
    {
        var calls = 0;
        await using var server = RawHttpServer.Start((_, answer) => Interlocked.Increment(ref calls) == 1
            ? answer.AnswerAsync(503, """{"error":"temporarily_unavailable"}""")
            : answer.AnswerAsync(200, Token));
        await using var services = Build(server, path, configure: p => p.ConfigureProvider(o => o.ReusableRefreshTokens = true));

        var tokens = await Refresh(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(["rt-1", "rt-1"], server.Requests.Select(r => r.Form("refresh_token")));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Refresh_is_sent_again_when_the_first_connection_could_not_be_established(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, Token));
        var connects = 0;
        await using var services = Build(server, path, configure: p => p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() =>
            new RefusingFirstConnection(() => Interlocked.Increment(ref connects)) { InnerHandler = new SocketsHttpHandler() })));

        var tokens = await Refresh(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(2, connects);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Client_credentials_answered_after_the_attempt_timeout_are_sent_again(string path)
    {
        var calls = 0;
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await answer.DelayAsync(TimeSpan.FromSeconds(1.5));
            }

            await answer.AnswerAsync(200, Token);
        });
        await using var services = Build(server, path, r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300));

        var tokens = await Request(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("oauth2", "stall")]
    [InlineData("custom", "stall")]
    [InlineData("oauth2", "drip")]
    [InlineData("custom", "drip")]
    [InlineData("discovery", "stall")]
    public async Task Answer_whose_body_never_completes_ends_in_a_timeout(string path, string wire)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.HeadersAsync(200, 200);
            if (wire == "drip")
            {
                await answer.DripAsync(new string(' ', 200), TimeSpan.FromMilliseconds(100));
            }
            else
            {
                await answer.WriteAsync("""{"access_token":""");
                await answer.StallAsync();
            }
        });
        await using var services = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 1;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(400);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(3);
        });

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Contains("attempt timeout (0.4 s)", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Timeout_messages_name_the_timeout_that_elapsed_and_its_value(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.StallAsync());
        await using var attempt = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 1;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(5);
        });
        await using var total = Build(server, path, r =>
        {
            r.Retry.MaxRetryAttempts = 5;
            r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(400);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(1);
        });

        var attemptFailure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(attempt).WaitAsync(Bound));
        var totalFailure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(total).WaitAsync(Bound));

        Assert.Contains("attempt timeout (0.3 s)", attemptFailure.Message, StringComparison.Ordinal);
        Assert.Contains("total timeout (1 s)", totalFailure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Truncated_success_answer_says_the_connection_closed_before_the_answer_was_complete(string path)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.HeadersAsync(200, Token.Length);
            await answer.WriteAsync(Token[..20]);
        });
        await using var services = Build(server, path, r => r.Retry.MaxRetryAttempts = 1);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Contains("connection closed before the answer was complete", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Oversized_answer_is_refused_without_a_retry(string path)
    {
        await using var server = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.HeadersAsync(200, 2 * TokenClientsHttp.MaxResponseBytes);
            await answer.WriteAsync("{\"access_token\":\"");
            await answer.StallAsync();
        });
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Single(server.Requests);
        Assert.Contains("larger than", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_document_without_a_key_set_is_enough_for_a_token()
    {
        RawHttpServer? server = null;
        server = RawHttpServer.Start((request, answer) => request.Path == "/.well-known/openid-configuration"
            ? answer.AnswerAsync(200, $$"""{"issuer":"{{server!.BaseAddress.AbsoluteUri.TrimEnd('/')}}","token_endpoint":"{{server.BaseAddress}}token"}""")
            : answer.AnswerAsync(200, Token));
        await using var _ = server;
        await using var services = Build(server, "discovery");

        var tokens = await Request(services).WaitAsync(Bound);

        Assert.Equal("at-1", tokens.AccessToken);
        Assert.Equal(["/.well-known/openid-configuration", "/token"], server.Requests.Select(r => r.Path));
    }

    [Theory]
    [InlineData("oauth2", 307)]
    [InlineData("custom", 307)]
    [InlineData("oauth2", 302)]
    [InlineData("custom-own-primary-handler", 308)]
    public async Task Redirect_from_the_token_endpoint_is_not_followed_and_names_only_the_target_origin(string path, int status)
    {
        await using var elsewhere = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, Token));
        await using var server = RawHttpServer.Start((_, answer) => answer.RedirectAsync(status, new Uri(elsewhere.BaseAddress, "collect/secrets?from=token")));
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Empty(elsewhere.Requests);
        Assert.Single(server.Requests);
        Assert.Contains("do not follow redirects", failure.Message, StringComparison.Ordinal);
        Assert.Contains(elsewhere.Origin, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("collect", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("from=token", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oauth2", "at\r\nX-Injected: 1")]
    [InlineData("custom", "at\r\nX-Injected: 1")]
    [InlineData("oauth2", "a token with spaces")]
    [InlineData("custom", "t\u00f6ken")]
    public async Task Access_token_outside_visible_ascii_is_refused(string path, string accessToken)
    {
        var body = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { ["access_token"] = accessToken, ["token_type"] = "Bearer", ["expires_in"] = 3600 });
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, body));
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Contains("access_token", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(accessToken, failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("oauth2", "mac")]
    [InlineData("custom", "Basic")]
    [InlineData("oauth2", "DPoP")]
    public async Task Token_type_other_than_bearer_is_refused_and_named(string path, string tokenType)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, $$"""{"access_token":"at-1","token_type":"{{tokenType}}","expires_in":3600}"""));
        await using var services = Build(server, path);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => Request(services).WaitAsync(Bound));

        Assert.Contains($"'{tokenType}'", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Token_type_the_provider_accepts_is_kept_in_its_configured_spelling(string path)
    {
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, """{"access_token":"at-1","token_type":"dpop","expires_in":3600}"""));
        await using var services = Build(server, path, configure: p =>
        {
            p.Services.Configure<ClientCredentialsOptions>(Provider, o => o.AcceptedTokenTypes.Add("DPoP"));
            p.Services.Configure<CustomTokenOptions>(Provider, o => o.AcceptedTokenTypes.Add("DPoP"));
        });

        var tokens = await Request(services).WaitAsync(Bound);

        Assert.Equal("DPoP", tokens.TokenType);
    }

    [Theory]
    [InlineData("oauth2", "bearer")]
    [InlineData("custom", "BEARER")]
    [InlineData("oauth2", null)]
    public async Task Bearer_in_any_case_or_no_token_type_is_a_bearer_token(string path, string? tokenType)
    {
        var type = tokenType is null ? string.Empty : $"\"token_type\":\"{tokenType}\",";
        await using var server = RawHttpServer.Start((_, answer) => answer.AnswerAsync(200, $$"""{{{type}}"access_token":"at-1","expires_in":3600}"""));
        await using var services = Build(server, path);

        var tokens = await Request(services).WaitAsync(Bound);

        Assert.Equal("Bearer", tokens.TokenType);
    }

    private static Task<TokenSet> Request(ServiceProvider services) =>
        services.GetRequiredKeyedService<ITokenClient>(Provider).RequestTokenAsync(TokenContext.Default, CancellationToken.None);

    private static Task<TokenSet> Refresh(ServiceProvider services) =>
        services.GetRequiredKeyedService<ITokenClient>(Provider).RefreshTokenAsync("rt-1", TokenContext.Default, CancellationToken.None);

    private static ServiceProvider Build(RawHttpServer server, string path, Action<HttpStandardResilienceOptions>? resilience = null, Action<ITokenProviderBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenProvider(Provider, p =>
        {
            var endpoint = new Uri(server.BaseAddress, "token");
            _ = path switch
            {
                "oauth2" => p.UseClientCredentials(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (endpoint, "client", "client-secret")),
                "discovery" => p.UseClientCredentials(o => (o.Authority, o.ClientId, o.ClientSecret) = (server.BaseAddress, "client", "client-secret")),
                _ => p.UseCustom(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (endpoint, "client", "client-secret")),
            };
            if (path == "custom-own-primary-handler")
            {
                p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true }));
            }

            p.ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(20);
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                resilience?.Invoke(r);
            });
            configure?.Invoke(p);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A primary handler whose first connection attempt is refused before anything is sent.</summary>
    private sealed class RefusingFirstConnection(Func<int> connect) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => connect() == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (simulated).")
            : base.SendAsync(request, cancellationToken);
    }
}
