using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.Security;

/// <summary>The token goes only to allowed origins, on every send the handler makes.</summary>
public sealed class TokenOriginTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Unauthorized_from_a_redirected_origin_is_returned_without_a_new_token_or_a_resend(bool allowAnyOrigin)
    {
        var seenByOther = new ConcurrentQueue<string>();
        await using var other = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            seenByOther.Enqueue(context.Request.Headers.Authorization.ToString());
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        }));
        await using var api = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
            context.Response.Headers.Location = new Uri(LoopbackServer.Address(other), "landing").AbsoluteUri;
            return Task.CompletedTask;
        }));
        var tokens = new CountingTokenClient();
        var services = new ServiceCollection();
        services.AddTokenProvider("counting", p => p.UseTokenClient("Counting", (_, _) => tokens));
        services.AddHttpClient("api", c => c.BaseAddress = LoopbackServer.Address(api)).AddTokenHandler("counting", o => o.AllowAnyOrigin = allowAnyOrigin);
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api")
            .GetAsync(new Uri("start", UriKind.Relative)).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal([string.Empty], seenByOther);
        Assert.Equal(1, tokens.Requests);
    }

    [Fact]
    public async Task A_handler_that_rewrites_the_address_after_the_token_handler_cannot_carry_the_token_elsewhere()
    {
        var seenByOther = new ConcurrentQueue<string>();
        await using var other = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            seenByOther.Enqueue(context.Request.Headers.Authorization.ToString());
            return Task.CompletedTask;
        }));
        await using var api = await LoopbackServer.StartAsync(app => app.Run(_ => Task.CompletedTask));
        var otherAddress = LoopbackServer.Address(other);
        var tokens = new CountingTokenClient();
        var services = new ServiceCollection();
        services.AddTokenProvider("counting", p => p.UseTokenClient("Counting", (_, _) => tokens));
        services.AddHttpClient("api", c => c.BaseAddress = LoopbackServer.Address(api))
            .AddTokenHandler("counting")
            .AddHttpMessageHandler(() => new RewritingHandler(otherAddress));
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api")
            .GetAsync(new Uri("start", UriKind.Relative)).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([string.Empty], seenByOther);
    }

    /// <summary>Sends every request to another origin, as a URL-rewriting or service-resolving handler would.</summary>
    private sealed class RewritingHandler(Uri target) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.RequestUri = new Uri(target, request.RequestUri!.PathAndQuery);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
