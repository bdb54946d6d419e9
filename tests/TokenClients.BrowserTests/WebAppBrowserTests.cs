using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using TokenClients.BrowserTests.Support;
using TokenClients.Testing;
using WebApp;
using Xunit.Abstractions;

namespace TokenClients.BrowserTests;

/// <summary>
/// The web sample in headless Chromium, as two people use it: sign-in through OpenID Connect, JustLogin and Acme CRM
/// connected through their consent pages, their APIs called through typed clients, a token refreshed without a new
/// consent, a connection the provider ended renewed through its consent page, a disconnect; and one user never sees the
/// other's accounts. Screenshots of every step go to
/// <c>screenshots/&lt;scenario&gt;/</c> in the test output folder (the test's output lists them).
/// </summary>
public sealed class WebAppBrowserTests(ITestOutputHelper output)
{
    // Short enough to wait out twice, long enough for a few pages to load with a live token.
    private static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task A_user_connects_JustLogin_sees_its_api_refreshed_without_a_new_consent_and_disconnects_while_another_user_sees_none_of_it()
    {
        var screenshots = new ScreenshotFolder("connect-refresh-disconnect", output);
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAppAsync(logs);
        var justLogin = app.Emulators.JustLogin!;
        using var aliceBrowser = await Chromium.StartAsync();
        var alice = new BrowserSession(aliceBrowser, app.Address, screenshots, "alice");

        SignIn(alice, "alice");

        // Connect JustLogin: the emulator's consent page, then back to the list.
        alice.Click("connect-justlogin");
        alice.ConsentAs("alice", "alice-password", "justlogin-consent");
        Assert.Equal("Connected", alice.Find("status-justlogin").Text);
        alice.Screenshot("justlogin-connected");

        alice.Click("call-apis");
        Assert.Equal("alice", alice.Find("api-justlogin").Text);
        Assert.Equal("alice", alice.Find("api-idp").Text);
        alice.Screenshot("api-data");
        Assert.Equal(1, justLogin.Journal.CountGrant("authorization_code"));

        // Let the access tokens expire (real time, bounded), then reload: refreshed, with no new consent. (A slow
        // machine may already have refreshed ahead of expiry: what counts is one more refresh and no more consent.)
        OidcEmulator[] providers = [justLogin, app.Emulators.SignIn!];
        var refreshes = providers.Select(p => p.Journal.CountGrant("refresh_token")).ToArray();
        await Task.Delay(AccessTokenLifetime + TimeSpan.FromSeconds(0.5), TimeProvider.System);
        alice.Reload();
        Assert.Equal("alice", alice.Find("api-justlogin").Text);
        Assert.Equal("alice", alice.Find("api-idp").Text);
        alice.Screenshot("api-data-after-refresh");
        for (var i = 0; i < providers.Length; i++)
        {
            Assert.True(providers[i].Journal.CountGrant("refresh_token") > refreshes[i], $"no refresh at {providers[i].BaseAddress}");
            Assert.Equal(1, providers[i].Journal.CountGrant("authorization_code"));
            Assert.Equal(1, ConsentPagesShown(providers[i]));
        }

        // JustLogin ends the connection (its refresh tokens die): once the token expires, the page sends alice through
        // JustLogin's consent page and back to the same page, instead of showing an error.
        justLogin.RevokeRefreshTokens();
        await Task.Delay(AccessTokenLifetime + TimeSpan.FromSeconds(0.5), TimeProvider.System);
        alice.Reload();
        alice.ConsentAs("alice", "alice-password", "justlogin-connect-again");
        Assert.EndsWith("/Apis", alice.Driver.Url, StringComparison.Ordinal);
        Assert.Equal("alice", alice.Find("api-justlogin").Text);
        alice.Screenshot("api-data-after-connecting-again");
        Assert.Equal(2, ConsentPagesShown(justLogin));
        Assert.Equal(1, ConsentPagesShown(app.Emulators.SignIn!));

        await AnotherUserSeesNoneOfAlicesAccountsAsync(app, screenshots);

        alice.Open("/");
        alice.Click("disconnect-justlogin");
        Assert.Equal("Not connected", alice.Find("status-justlogin").Text);
        alice.Screenshot("justlogin-disconnected");
        alice.Click("call-apis");
        Assert.True(alice.Has("no-connections"));
        alice.Screenshot("no-api-after-disconnect");

        // Every log line of the run, Trace included (so the search below searched something): no token in any.
        Assert.Contains(logs.Lines, line => line.StartsWith("Trace ", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, line => line.Contains("TokenClients.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, line => line.Contains("eyJ", StringComparison.Ordinal));
    }

    private static async Task AnotherUserSeesNoneOfAlicesAccountsAsync(SampleApp app, ScreenshotFolder screenshots)
    {
        using var bobBrowser = await Chromium.StartAsync();
        var bob = new BrowserSession(bobBrowser, app.Address, screenshots, "bob");

        SignIn(bob, "bob");
        Assert.Equal("Not connected", bob.Find("status-justlogin").Text);
        bob.Click("call-apis");
        Assert.True(bob.Has("no-connections"));
        Assert.DoesNotContain("alice", bob.Text, StringComparison.Ordinal);
        bob.Screenshot("no-accounts-of-alice");

        // Bob's own account of the standard provider is his alone.
        bob.Open("/");
        bob.Click("connect-crm");
        bob.ConsentAs("bob", "bob-password", "crm-consent");
        bob.Click("call-apis");
        Assert.Contains("bob", bob.Find("api-crm").Text, StringComparison.Ordinal);
        Assert.False(bob.Has("api-justlogin"));
        Assert.DoesNotContain("alice", bob.Text, StringComparison.Ordinal);
        bob.Screenshot("own-crm-account-only");

        bob.Click("sign-out");
        Assert.True(bob.Find("sign-in").Displayed);
        bob.Screenshot("signed-out");
    }

    private static void SignIn(BrowserSession person, string user)
    {
        person.Open("/");
        person.Screenshot("home");
        person.Click("sign-in");
        person.ConsentAs(user, user + "-password", "sign-in");
        Assert.Equal(user, person.Find("signed-in-user").Text);
        Assert.Equal(string.Empty, person.Script("return document.cookie")); // every cookie is HttpOnly
        person.Screenshot("signed-in");
    }

    private static int ConsentPagesShown(OidcEmulator emulator) =>
        emulator.Journal.Requests.Count(r => r.Method == "GET" && r.Path == emulator.AuthorizeEndpoint.AbsolutePath && r.StatusCode == 200);

    private static Task<SampleApp> StartAppAsync(CapturingLoggerProvider logs) => SampleApp.StartAsync([], builder =>
    {
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WebApp:Port"] = "0",
            ["Emulators:AccessTokenLifetime"] = AccessTokenLifetime.ToString(),
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
    });
}
