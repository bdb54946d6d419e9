using System.Net;
using TokenClients.AspNetCore.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <content>A signed-in user without an id claim: signing in again cannot give one, so no challenge.</content>
public sealed partial class ConnectTests
{
    [Theory]
    [InlineData("/connect/status")]
    [InlineData("/connect/justlogin")]
    [InlineData("/connect/justlogin/callback?code=x&state=y")]
    public async Task Signed_in_user_without_an_id_claim_is_forbidden_not_challenged_again(string path)
    {
        using var browser = _app.NewBrowser();
        await SignInAsync(browser, string.Empty);

        using var answer = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Null(answer.Headers.Location);
    }
}
