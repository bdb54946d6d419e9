using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.AspNetCore.Tests.Unit;

/// <summary>Whom the challenge middleware asks to sign in: the signed-in user, only for that user's own tokens.</summary>
public sealed class InteractionChallengeTests
{
    [Fact]
    public async Task Another_users_tokens_needing_a_sign_in_do_not_challenge_the_signed_in_user()
    {
        // Alice (an administrator, a job) calls with Bob's tokens: signing Alice in again cannot fix Bob's, and would loop.
        using var services = Services();
        var context = Request(services, "alice");
        var middleware = new InteractionChallengeMiddleware(_ => throw new InteractionRequiredException("idp", "bob", "nothing stored"));

        var escaped = await Assert.ThrowsAsync<InteractionRequiredException>(() => middleware.InvokeAsync(context));

        Assert.Equal("bob", escaped.Subject);
        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData(null)]
    public async Task The_signed_in_users_own_tokens_needing_a_sign_in_challenge_that_user(string? subject)
    {
        using var services = Services();
        var context = Request(services, "alice");
        var middleware = new InteractionChallengeMiddleware(_ => throw new InteractionRequiredException("idp", subject, "nothing stored"));

        await middleware.InvokeAsync(context);

        Assert.Equal(StatusCodes.Status302Found, context.Response.StatusCode);
    }

    private static ServiceProvider Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        return services.BuildServiceProvider();
    }

    private static DefaultHttpContext Request(IServiceProvider services, string user) => new()
    {
        RequestServices = services,
        User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user)], CookieAuthenticationDefaults.AuthenticationScheme)),
        Request = { Method = "GET", Path = "/orders", Scheme = "https", Host = new HostString("app.example") },
    };
}
