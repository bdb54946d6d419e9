using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Vendors.JustLogin;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class JustLoginTests() : VendorFacts<JustLoginEmulator, JustLoginOptions>(new JustLoginCase())
{
    private const string Subject = JustLoginCase.SignedInUser;
    private static readonly Uri Callback = JustLoginCase.Callback;

    [Fact]
    public async Task Authorize_url_carries_state_and_an_S256_pkce_challenge()
    {
        var started = await Flow().StartAsync("another-user", Deadline);

        // docs/vendors/justlogin.md: /v1/auth/connect/authorize, scope openid; the digest: state always, PKCE S256 by default.
        Assert.Equal(Emulator.AuthorizeEndpoint.AbsolutePath, started.AuthorizeUri.AbsolutePath);
        var query = HttpUtility.ParseQueryString(started.AuthorizeUri.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("demo-client", query["client_id"]);
        Assert.Equal(Callback.AbsoluteUri, query["redirect_uri"]);
        Assert.Equal("openid", query["scope"]);
        Assert.Equal(started.State, query["state"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
    }

    [Fact]
    public async Task Code_exchange_and_refresh_send_the_client_credentials_in_the_body()
    {
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();

        // docs/vendors/justlogin.md: "Send client credentials in body"; refresh is a form with grant_type, refresh_token, client_id, client_secret.
        Assert.Collection(Emulator.Journal.TokenRequests,
            exchange =>
            {
                Assert.Equal("authorization_code", exchange.Form["grant_type"]);
                Assert.Equal("demo-client", exchange.Form["client_id"]);
                Assert.Equal("demo-secret", exchange.Form["client_secret"]);
                Assert.Equal(Callback.AbsoluteUri, exchange.Form["redirect_uri"]);
                Assert.False(string.IsNullOrEmpty(exchange.Form["code_verifier"]));
            },
            refresh =>
            {
                Assert.Equal("refresh_token", refresh.Form["grant_type"]);
                Assert.Equal("demo-client", refresh.Form["client_id"]);
                Assert.Equal("demo-secret", refresh.Form["client_secret"]);
                Assert.False(string.IsNullOrEmpty(refresh.Form["refresh_token"]));

                // docs/vendors/justlogin.md, "Refresh Tokens": "Authorization: Bearer {{access_token}}" with it.
                Assert.StartsWith("Bearer ", refresh.Headers["Authorization"], StringComparison.Ordinal);
                Assert.True(refresh.Headers["Authorization"].Length > "Bearer ".Length + 20);
            });
    }

    [Fact]
    public async Task Rotated_refresh_tokens_keep_working_across_renewals()
    {
        // docs/vendors/justlogin.md (digest): the refresh token may rotate: always keep the newest one.
        for (var i = 0; i < 3; i++)
        {
            Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
            await AssertApiOkAsync();
        }

        Assert.Equal(3, Emulator.Journal.CountGrant("refresh_token"));
        Assert.All(Emulator.Journal.TokenRequests, r => Assert.Equal(200, r.StatusCode));
    }

    [Fact]
    public async Task Dead_refresh_token_requires_the_user_to_sign_in_again()
    {
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => CallApiAsync());

        Assert.Equal(Subject, exception.Subject);
        Assert.Equal(Name, exception.ProviderName);
        Assert.Equal("invalid_grant", exception.Error);
        Assert.Equal(0, Emulator.ApiCallCount);

        // The dead token set is gone: the next call asks for a sign-in without another refresh attempt.
        await Assert.ThrowsAsync<InteractionRequiredException>(() => CallApiAsync());
        Assert.Single(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token");
    }

    [Fact]
    public async Task Callback_with_a_wrong_state_is_rejected_without_a_code_exchange()
    {
        var started = await Flow().StartAsync("another-user", Deadline);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        var forged = new UriBuilder(callback) { Query = callback.Query.TrimStart('?').Replace("state=", "state=x", StringComparison.Ordinal) }.Uri;

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => Flow().CompleteAsync(forged, "another-user", Deadline));

        Assert.Equal("invalid_state", exception.Error);
        Assert.Single(Emulator.Journal.TokenRequests); // only the setup's exchange
    }

    [Fact]
    public async Task Callback_replayed_is_rejected()
    {
        var started = await Flow().StartAsync("another-user", Deadline);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        await Flow().CompleteAsync(callback, "another-user", Deadline);

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => Flow().CompleteAsync(callback, "another-user", Deadline));

        Assert.Equal("invalid_state", exception.Error);
    }

    [Fact]
    public async Task A_user_who_never_connected_must_sign_in()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.ApiEndpoint).WithTokenContext(TokenContext.ForSubject("stranger"));

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => Api().SendAsync(request, Deadline));

        Assert.Equal("stranger", exception.Subject);
        Assert.Equal(0, Emulator.ApiCallCount);
    }

    [Fact]
    public async Task Each_request_carries_the_token_of_the_user_it_selects()
    {
        ((OidcEmulatorOptions)EmulatorOptions).AutoApproveUser = "acme/bob";
        await SignInAsync(Services, "user-7");

        Assert.Equal("acme/alice", await ApiSubjectAsync(Subject));
        Assert.Equal("acme/bob", await ApiSubjectAsync("user-7"));
        Assert.Equal("acme/alice", await ApiSubjectAsync(Subject));
        Assert.Equal(2, Emulator.Journal.CountGrant("authorization_code"));
        Assert.Equal(2, Emulator.Journal.TokenRequests.Count);
    }

    private IAuthorizationCodeFlow Flow() => Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);

    private HttpClient Api() => Services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    private async Task<string?> ApiSubjectAsync(string subject)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.ApiEndpoint).WithTokenContext(TokenContext.ForSubject(subject));
        using var response = await Api().SendAsync(request, Deadline);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Deadline);
        return body.GetProperty("subject").GetString();
    }
}
