using System.Net;
using System.Web;

namespace TokenClients.AspNetCore.Tests;

/// <content>What starting a connect sends to the browser and to the provider.</content>
public sealed partial class ConnectTests
{
    [Fact]
    public async Task Start_binds_the_state_with_an_HttpOnly_Lax_cookie_scoped_to_the_callback_and_short_lived()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var start = await browser.GetAsync("/connect/justlogin?returnUrl=/home");

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var cookie = Assert.Single(start.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".TokenClients.Connect.justlogin=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=lax", attributes);
        Assert.Contains("path=/connect/justlogin/callback", attributes);
        Assert.Contains("max-age=600", attributes);
        Assert.DoesNotContain("secure", attributes); // plain http here; https gets Secure

        // The cookie holds neither the state nor the return URL in the clear.
        var value = cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..cookie.IndexOf(';', StringComparison.Ordinal)];
        var state = HttpUtility.ParseQueryString(start.Headers.Location!.Query)["state"]!;
        Assert.DoesNotContain(state, value, StringComparison.Ordinal);
        Assert.DoesNotContain("home", value, StringComparison.Ordinal);
        Assert.Equal("no-store", start.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Start_passes_a_login_hint_and_a_known_prompt_and_nothing_else_from_its_query()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var hinted = await browser.GetAsync("/connect/crm?login_hint=alice%40example.com&prompt=consent&redirect_uri=https%3A%2F%2Fevil.example%2F");
        using var odd = await browser.GetAsync("/connect/crm?prompt=evil");

        var query = HttpUtility.ParseQueryString(hinted.Headers.Location!.Query);
        Assert.Equal("alice@example.com", query["login_hint"]);
        Assert.Equal("consent", query["prompt"]);
        Assert.Equal("http://127.0.0.1/connect/crm/callback", query["redirect_uri"]);
        Assert.Null(HttpUtility.ParseQueryString(odd.Headers.Location!.Query)["prompt"]);
    }
}
