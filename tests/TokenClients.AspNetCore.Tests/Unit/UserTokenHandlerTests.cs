using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace TokenClients.AspNetCore.Tests.Unit;

/// <summary>Which user a request of a user-token client names, with an inner handler that only records.</summary>
public sealed class UserTokenHandlerTests
{
    private readonly HttpContextAccessor _accessor = new();
    private readonly List<HttpRequestMessage> _sent = [];

    [Fact]
    public async Task A_request_names_the_signed_in_user_of_the_current_HttpContext()
    {
        SignIn("alice");

        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me"));

        Assert.Equal("alice", NamedSubject(Assert.Single(_sent)));
    }

    [Fact]
    public async Task A_request_that_names_its_user_keeps_that_user()
    {
        SignIn("alice");

        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me").WithTokenSubject("bob"));

        Assert.Equal("bob", NamedSubject(Assert.Single(_sent)));
    }

    [Fact]
    public async Task A_request_with_its_own_context_keeps_it()
    {
        SignIn("alice");
        var context = new TokenContext("bob", scope: "orders");

        await SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me").WithTokenContext(context));

        var sent = Assert.Single(_sent);
        Assert.True(sent.Options.TryGetValue(new HttpRequestOptionsKey<TokenContext>("TokenClients.TokenContext"), out var kept));
        Assert.Same(context, kept);
        Assert.Null(NamedSubject(sent));
    }

    [Fact]
    public async Task Without_a_signed_in_user_the_request_is_not_sent()
    {
        _accessor.HttpContext = new DefaultHttpContext(); // anonymous

        var failure = await Assert.ThrowsAsync<InteractionRequiredException>(() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me")));

        Assert.Equal("idp", failure.ProviderName);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task A_signed_in_user_without_an_id_claim_fails_without_asking_for_a_sign_in()
    {
        // Signing in again gives the same claims: an InteractionRequiredException would challenge in a loop.
        _accessor.HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", "Alice")], "Cookies")) };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me")));

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("sub", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_sent);
    }

    [Fact]
    public async Task Without_an_HttpContext_the_request_is_not_sent()
    {
        await Assert.ThrowsAsync<InteractionRequiredException>(() => SendAsync(new HttpRequestMessage(HttpMethod.Get, "https://api.example/me")));

        Assert.Empty(_sent);
    }

    private static string? NamedSubject(HttpRequestMessage request) =>
        request.Options.TryGetValue(new HttpRequestOptionsKey<string>("TokenClients.TokenSubject"), out var subject) ? subject : null;

    private void SignIn(string user) =>
        _accessor.HttpContext = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", user)], "Cookies")) };

    private async Task SendAsync(HttpRequestMessage request)
    {
        using var invoker = new HttpMessageInvoker(new UserTokenHandler(_accessor, "idp", NullLogger.Instance) { InnerHandler = new Recorder(_sent) });
        using var response = await invoker.SendAsync(request, CancellationToken.None);
    }

    private sealed class Recorder(List<HttpRequestMessage> sent) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            sent.Add(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
