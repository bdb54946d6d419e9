using System.Net;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Standard;

/// <summary><c>UseAuthorizationCode</c> with PKCE through <see cref="IAuthorizationCodeFlow"/> against the standard OAuth2 emulator.</summary>
public sealed class AuthorizationCodeProviderTests() : VendorFacts<StandardOAuth2Emulator, AuthorizationCodeOptions>(new AuthorizationCodeCase())
{
    private const string Subject = AuthorizationCodeCase.SignedInUser;

    [Fact]
    public async Task Authorize_endpoint_comes_from_discovery_and_the_code_is_redeemed_with_its_pkce_verifier()
    {
        var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync("account-2", Deadline);
        var query = HttpUtility.ParseQueryString(started.AuthorizeUri.Query);

        Assert.Equal(Emulator.AuthorizeEndpoint.AbsolutePath, started.AuthorizeUri.AbsolutePath);
        Assert.Equal("S256", query["code_challenge_method"]);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        var result = await flow.CompleteAsync(callback, "account-2", Deadline);

        Assert.Equal("account-2", result.Subject);
        var exchange = Emulator.Journal.TokenRequests[^1];
        Assert.Equal("authorization_code", exchange.GrantType);
        Assert.Equal(200, exchange.StatusCode); // the emulator checked the verifier against the challenge
        Assert.False(string.IsNullOrEmpty(exchange.Form["code_verifier"]));
    }

    [Fact]
    public async Task Code_redeemed_without_pkce_when_turned_off()
    {
        var services = await StartClientAsync(o => o.UsePkce = false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.ApiEndpoint).WithTokenContext(TokenContext.ForSubject(Subject));

        using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").SendAsync(request, Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Emulator.Journal.TokenRequests[^1].Form.ContainsKey("code_verifier"));
    }

    [Fact]
    public async Task Callback_with_a_wrong_state_is_rejected()
    {
        var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync("account-2", Deadline);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        var forged = new Uri(callback.AbsoluteUri.Replace("state=", "state=x", StringComparison.Ordinal));

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(forged, "account-2", Deadline));

        Assert.Equal("invalid_state", exception.Error);
        Assert.Single(Emulator.Journal.TokenRequests);
    }

    [Fact]
    public async Task Dead_refresh_token_requires_the_user_to_sign_in_again()
    {
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => CallApiAsync());

        Assert.Equal(Subject, exception.Subject);
        Assert.Equal(0, Emulator.ApiCallCount);
    }
}
