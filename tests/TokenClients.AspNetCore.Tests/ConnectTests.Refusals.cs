using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <content>Callbacks and starts that must be refused.</content>
public sealed partial class ConnectTests
{
    [Fact]
    public async Task Callback_in_another_users_browser_is_refused_and_connects_nobody()
    {
        using var victim = _app.NewBrowser();
        using var attacker = _app.NewBrowser();
        await SignInAsync(attacker, "attacker");
        await SignInAsync(victim, "victim");
        var callback = await CallbackOfAsync(attacker, "justlogin");

        using var refused = await victim.GetAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertRefusedBecause("cookie is missing");
        Assert.False(await IsConnectedAsync(victim, "justlogin"));
        Assert.False(await IsConnectedAsync(attacker, "justlogin"));
        Assert.Equal(0, _app.JustLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Callback_after_another_user_signed_in_in_the_same_browser_is_refused()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var callback = await CallbackOfAsync(browser, "justlogin");
        await SignInAsync(browser, "user-2");

        using var refused = await browser.GetAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        AssertRefusedBecause("another user");
        Assert.False(await IsConnectedAsync(browser, "justlogin"));
        Assert.Null(await _app.Services.GetRequiredService<ITokenStore>().GetAsync("justlogin", "user-1"));
        Assert.Equal(0, _app.JustLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Callback_without_the_state_cookie_is_refused()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var callback = await CallbackOfAsync(browser, "crm");
        ExpireConnectCookies(browser);

        using var refused = await browser.GetAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertRefusedBecause("cookie is missing");
        Assert.False(await IsConnectedAsync(browser, "crm"));
    }

    [Fact]
    public async Task Callback_with_a_tampered_state_cookie_is_refused()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var callback = await CallbackOfAsync(browser, "crm");
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            if (cookie.Name.StartsWith(".TokenClients.Connect.", StringComparison.Ordinal))
            {
                cookie.Value = cookie.Value[..^4] + (cookie.Value.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
            }
        }

        using var refused = await browser.GetAsync(callback.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertRefusedBecause("not valid");
        Assert.False(await IsConnectedAsync(browser, "crm"));
    }

    [Fact]
    public async Task Callback_with_another_state_than_the_cookie_binds_is_refused()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var first = await CallbackOfAsync(browser, "crm");
        _ = await CallbackOfAsync(browser, "crm"); // a second start replaces the cookie: only its state completes here

        using var refused = await browser.GetAsync(first.PathAndQuery);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertRefusedBecause("state is not the one");
        Assert.False(await IsConnectedAsync(browser, "crm"));
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    [InlineData("evil")]
    [InlineData("javascript:alert(1)")]
    public async Task Start_with_a_return_url_off_this_application_is_refused(string returnUrl)
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var refused = await browser.GetAsync("/connect/justlogin?returnUrl=" + Uri.EscapeDataString(returnUrl));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith(".TokenClients.Connect.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disconnect_without_an_antiforgery_token_is_refused_and_keeps_the_account()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        using (await browser.NavigateAsync("/connect/justlogin"))
        {
        }

        using var refused = await DisconnectAsync(browser, "justlogin", withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.True(await IsConnectedAsync(browser, "justlogin"));
    }

    [Theory]
    [InlineData("/connect/status")]
    [InlineData("/connect/justlogin")]
    [InlineData("/connect/justlogin/callback?code=x&state=y")]
    public async Task Anonymous_requests_are_challenged(string path)
    {
        using var browser = _app.NewBrowser();

        using var challenged = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, challenged.StatusCode);
        Assert.StartsWith(_app.Idp.AuthorizeEndpoint.AbsoluteUri, challenged.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_without_connect_endpoints_is_not_found()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var missing = await browser.GetAsync("/connect/idp");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>Starts a connect in <paramref name="browser"/> and has the provider approve it, without opening the callback.</summary>
    private async Task<Uri> CallbackOfAsync(Browser browser, string provider)
    {
        using var start = await browser.GetAsync($"/connect/{provider}");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var emulator = provider == "justlogin" ? (Testing.OidcEmulator)_app.JustLogin : _app.Crm;
        return await emulator.ApproveAsync(start.Headers.Location!);
    }

    private void AssertRefusedBecause(string reason) =>
        Assert.Contains(_app.Logs.GetSnapshot(), r => r.Id.Id == 147 && r.Message.Contains(reason, StringComparison.Ordinal));

    private static void ExpireConnectCookies(Browser browser)
    {
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            if (cookie.Name.StartsWith(".TokenClients.Connect.", StringComparison.Ordinal))
            {
                cookie.Expired = true;
            }
        }
    }
}
