using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.AspNetCore.Tests;

/// <content>A provider that stalls, a browser that gives up, two callbacks racing for one code.</content>
public sealed partial class ConnectTests
{
    [Fact]
    public async Task Code_exchange_answered_after_the_browser_gave_up_still_connects_the_account()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var callback = await CallbackOfAsync(browser, "justlogin");
        _app.JustLogin.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(3)));

        using (var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_app.Address, callback.PathAndQuery)), impatient.Token));
        }

        var store = _app.Services.GetRequiredService<ITokenStore>();
        for (var i = 0; i < 200 && await store.GetAsync("justlogin", "user-1") is null; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        Assert.True(await IsConnectedAsync(browser, "justlogin"));
        using var api = await browser.GetAsync("/api/justlogin");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(1, _app.JustLogin.Journal.CountGrant("authorization_code"));
    }

    [Fact]
    public async Task Start_at_a_provider_that_cannot_be_reached_answers_502_without_a_cookie()
    {
        await using var app = await Support.WebApp.StartAsync(b => b.Services.AddKeyedSingleton<IAuthorizationCodeFlow>("crm", new Support.UnreachableFlow()));
        using var browser = app.NewBrowser();
        await SignInAsync(browser, "user-1");

        using var start = await browser.GetAsync("/connect/crm");

        Assert.Equal(HttpStatusCode.BadGateway, start.StatusCode);
        Assert.DoesNotContain(browser.Cookies.GetAllCookies(), c => c.Name.StartsWith(".TokenClients.Connect.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_callbacks_racing_with_one_state_exchange_the_code_once()
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, "user-1");
        var callback = await CallbackOfAsync(browser, "crm");
        _app.Crm.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromMilliseconds(300)));

        var answers = await Task.WhenAll(browser.GetAsync(callback.PathAndQuery), browser.GetAsync(callback.PathAndQuery));

        // Both carry the cookie (its removal comes with the answers); the state is redeemed once.
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Redirect);
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.BadRequest);
        Assert.Single(_app.Crm.Journal.TokenRequests);
        Assert.True(await IsConnectedAsync(browser, "crm"));
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}
