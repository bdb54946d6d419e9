using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <summary>The signed-in user's tokens over real HTTP: an OpenID Connect sign-in at the standard emulator, then API calls.</summary>
public sealed partial class UserTokenTests : IAsyncLifetime
{
    private static readonly TimeSpan PastExpiry = TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1);
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ITokenStore Store => _app.Services.GetRequiredService<ITokenStore>();

    [Fact]
    public async Task Sign_in_stores_the_tokens_under_the_user_id_and_the_handler_attaches_them()
    {
        using var browser = await SignedInAsync();

        var stored = await Store.GetAsync("idp", "alice");
        Assert.NotNull(stored);
        Assert.NotNull(stored.RefreshToken);
        using var api = await browser.GetAsync("/api/idp");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(1, _app.Idp.Journal.CountGrant("authorization_code"));
        Assert.Equal(0, _app.Idp.Journal.CountGrant("refresh_token"));
    }

    [Fact]
    public async Task Sign_in_cookie_keeps_the_id_token_but_not_the_access_and_refresh_tokens()
    {
        using var browser = await SignedInAsync();

        using var saved = await browser.GetAsync("/test/saved-tokens");
        var names = (await saved.Content.ReadAsStringAsync()).Split(',');

        Assert.Contains("id_token", names);
        Assert.DoesNotContain("access_token", names);
        Assert.DoesNotContain("refresh_token", names);
    }

    [Fact]
    public async Task Expired_token_is_refreshed_and_the_rotated_set_written_back_to_the_store()
    {
        using var browser = await SignedInAsync();
        var before = await Store.GetAsync("idp", "alice");
        _app.Time.Advance(PastExpiry);

        using var api = await browser.GetAsync("/api/idp");

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(1, _app.Idp.Journal.CountGrant("refresh_token"));
        var after = await Store.GetAsync("idp", "alice");
        Assert.NotNull(after);
        Assert.NotEqual(before!.RefreshToken, after.RefreshToken);
        Assert.NotEqual(before.AccessToken, after.AccessToken);
    }

    [Fact]
    public async Task Requests_of_one_user_racing_for_an_expired_token_cause_one_refresh()
    {
        using var browser = await SignedInAsync();
        _app.Time.Advance(PastExpiry);
        _app.Idp.Faults.Enqueue(Testing.EmulatorFault.Delayed(TimeSpan.FromMilliseconds(300))); // all of them arrive while it runs

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => browser.GetAsync("/api/idp")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, _app.Idp.Journal.CountGrant("refresh_token"));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Dead_refresh_token_leads_to_a_challenge_and_the_stale_set_is_removed()
    {
        using var browser = await SignedInAsync();
        _app.Idp.RevokeRefreshTokens();
        _app.Time.Advance(PastExpiry);

        using var challenged = await browser.GetAsync("/api/idp?page=2");

        Assert.Equal(HttpStatusCode.Redirect, challenged.StatusCode);
        Assert.StartsWith(_app.Idp.AuthorizeEndpoint.AbsoluteUri, challenged.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync("idp", "alice"));
        Assert.Contains(_app.Logs.GetSnapshot(), r => r.Id.Id == 143);

        // Signing in again brings the user back where the challenge started, with a working token.
        using var back = await browser.NavigateAsync(challenged.Headers.Location!.AbsoluteUri);
        Assert.Equal("/api/idp?page=2", browser.Visited[^1].PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
    }

    [Fact]
    public async Task Signing_out_of_the_application_removes_the_users_tokens()
    {
        using var browser = await SignedInAsync();

        using var signedOut = await browser.GetAsync("/test/logout");

        Assert.Null(await Store.GetAsync("idp", "alice"));
        Assert.Contains(_app.Logs.GetSnapshot(), r => r.Id.Id == 142);
    }

    [Fact]
    public async Task A_user_who_signs_out_and_in_again_calls_the_api_again_without_a_refresh()
    {
        using var browser = await SignedInAsync();
        using (await browser.GetAsync("/api/idp"))
        using (await browser.GetAsync("/test/logout"))
        {
        }

        using (var again = await browser.NavigateAsync("/test/oidc-login"))
        {
            Assert.Equal("alice", await again.Content.ReadAsStringAsync());
        }

        using var api = await browser.GetAsync("/api/idp");

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(2, _app.Idp.Journal.CountGrant("authorization_code"));
        Assert.Equal(0, _app.Idp.Journal.CountGrant("refresh_token"));
    }

    private async Task<Browser> SignedInAsync(string path = "/test/oidc-login")
    {
        var browser = _app.NewBrowser();
        using var signedIn = await browser.NavigateAsync(path);
        Assert.Equal("alice", await signedIn.Content.ReadAsStringAsync());
        return browser;
    }
}
