using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <content>Where there is no HttpContext (a Blazor circuit, a hosted service), and servers that stall.</content>
public sealed partial class UserTokenTests
{
    [Fact]
    public async Task Code_without_an_HttpContext_reaches_the_users_tokens_by_id()
    {
        using (await SignedInAsync())
        {
        }

        _app.Time.Advance(PastExpiry);

        // A plain scope off any request, as a hosted service or a Blazor circuit has: the user id captured at sign-in.
        await using var scope = _app.Services.CreateAsyncScope();
        var http = scope.ServiceProvider.GetRequiredService<IHttpClientFactory>().CreateClient("idp");
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/me").WithTokenSubject("alice");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _app.Idp.Journal.CountGrant("refresh_token"));
    }

    [Fact]
    public async Task A_hosted_service_calls_with_the_token_of_the_user_it_was_given()
    {
        await using var app = await WebApp.StartAsync(b => b.Services.AddSingleton<UserPoller>().AddHostedService(s => s.GetRequiredService<UserPoller>()));
        using (var browser = app.NewBrowser())
        using (await browser.NavigateAsync("/test/oidc-login"))
        {
        }

        var poller = app.Services.GetRequiredService<UserPoller>();
        poller.Users.Writer.TryWrite("alice");

        Assert.Equal(HttpStatusCode.OK, await poller.Results.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_signed_in_user_with_nothing_stored_is_sent_to_sign_in_again()
    {
        // As after a restart with the in-memory store: the cookie is still valid, the tokens are gone.
        using var browser = _app.NewBrowser();
        using (await browser.GetAsync("/test/login?user=alice"))
        {
        }

        using var challenged = await browser.GetAsync("/api/idp");

        Assert.Equal(HttpStatusCode.Redirect, challenged.StatusCode);
        Assert.StartsWith(_app.Idp.AuthorizeEndpoint.AbsoluteUri, challenged.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(0, _app.Idp.ApiCallCount);
    }

    [Fact]
    public async Task Request_naming_no_user_where_there_is_no_HttpContext_is_not_sent()
    {
        var http = _app.Services.GetRequiredService<IHttpClientFactory>().CreateClient("idp");

        var failure = await Assert.ThrowsAsync<InteractionRequiredException>(() => http.GetAsync("api/me"));

        Assert.Equal("idp", failure.ProviderName);
        Assert.Equal(0, _app.Idp.ApiCallCount);
    }

    [Fact]
    public async Task Refresh_answered_after_the_browser_gave_up_still_reaches_the_store()
    {
        using var browser = await SignedInAsync();
        _app.Time.Advance(PastExpiry);
        _app.Idp.Faults.Enqueue(Testing.EmulatorFault.Delayed(TimeSpan.FromSeconds(3)));
        using (var impatient = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => browser.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(_app.Address, "/api/idp")), impatient.Token));
        }

        // The refresh goes on without the browser: its rotated refresh token reaches the store, and the next visit uses it.
        for (var i = 0; i < 200 && _app.Idp.Journal.CountGrant("refresh_token") == 0; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }

        using var next = await browser.GetAsync("/api/idp");
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        Assert.Equal(1, _app.Idp.Journal.CountGrant("refresh_token"));
    }
}
