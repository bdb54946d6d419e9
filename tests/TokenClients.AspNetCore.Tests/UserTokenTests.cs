using Microsoft.Extensions.DependencyInjection;
using System.Net;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <summary>The signed-in user's tokens over real HTTP: an OpenID Connect sign-in at the standard emulator, then API calls.</summary>
public sealed partial class UserTokenTests : IAsyncLifetime
{
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Sign_in_stores_the_tokens_under_the_user_id_and_the_handler_attaches_them()
    {
        using var browser = _app.NewBrowser();
        using var signedIn = await browser.NavigateAsync("/test/oidc-login");
        Assert.Equal("alice", await signedIn.Content.ReadAsStringAsync());

        var stored = await _app.Services.GetRequiredService<ITokenStore>().GetAsync("idp", "alice");
        Assert.NotNull(stored);
        Assert.NotNull(stored.RefreshToken);

        using var api = await browser.GetAsync("/api/idp");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        Assert.Equal(1, _app.Idp.Journal.CountGrant("authorization_code"));
    }
}
