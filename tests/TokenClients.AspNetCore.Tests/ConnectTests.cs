using System.Net;
using System.Text.Json;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <summary>The connect endpoints over real HTTP: a web application, JustLogin's and a standard provider's emulators.</summary>
public sealed partial class ConnectTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Theory]
    [InlineData("justlogin")]
    [InlineData("crm")]
    public async Task Connect_callback_status_api_and_disconnect_work_end_to_end(string provider)
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var connected = await browser.NavigateAsync($"/connect/{provider}?returnUrl=/after-connect%3Fx%3D1");

        Assert.Equal("/after-connect?x=1", browser.Visited[^1].PathAndQuery);
        Assert.Contains(browser.Visited, u => u.AbsolutePath.EndsWith("/authorize", StringComparison.Ordinal));
        Assert.True(await IsConnectedAsync(browser, provider));
        using (var api = await browser.GetAsync($"/api/{provider}"))
        {
            Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        }

        using var disconnect = await DisconnectAsync(browser, provider);
        Assert.Equal(HttpStatusCode.OK, disconnect.StatusCode);
        Assert.False(await IsConnectedAsync(browser, provider));
    }

    [Fact]
    public async Task Calling_a_provider_the_user_must_connect_again_sends_the_user_to_connect_and_back()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        using (await browser.NavigateAsync("/connect/justlogin"))
        {
        }

        _app.JustLogin.RevokeRefreshTokens();
        _app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        using var redirected = await browser.GetAsync("/api/justlogin?page=2");

        Assert.Equal(HttpStatusCode.Redirect, redirected.StatusCode);
        Assert.Equal("/connect/justlogin?returnUrl=%2Fapi%2Fjustlogin%3Fpage%3D2", redirected.Headers.Location!.OriginalString);
        Assert.False(await IsConnectedAsync(browser, "justlogin"));
        using var back = await browser.NavigateAsync(redirected.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.Equal("/api/justlogin?page=2", browser.Visited[^1].PathAndQuery);
    }

    private static async Task SignInAsync(Browser browser, string user)
    {
        using var response = await browser.GetAsync("/test/login?user=" + user);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<bool> IsConnectedAsync(Browser browser, string provider)
    {
        using var response = await browser.GetAsync("/connect/status");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("name").GetString() == provider).GetProperty("connected").GetBoolean();
    }

    private static async Task<HttpResponseMessage> DisconnectAsync(Browser browser, string provider, bool withAntiforgery = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(browser.App, $"/connect/{provider}/disconnect")) { Content = new FormUrlEncodedContent([]) };
        if (withAntiforgery)
        {
            using var token = await browser.GetAsync("/test/antiforgery");
            request.Headers.Add("RequestVerificationToken", await token.Content.ReadAsStringAsync());
        }

        return await browser.SendAsync(request);
    }
}
