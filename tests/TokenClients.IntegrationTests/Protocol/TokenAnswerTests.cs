using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Protocol;

/// <summary>
/// What a token request does with a hostile or broken answer: redirects are not followed, truncated, oversized and malformed answers and unusable tokens are refused and named.
/// </summary>
public sealed class TokenAnswerTests : TokenEndpointWireFacts
{
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
}
