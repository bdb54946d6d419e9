using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenClients.IntegrationTests.Security;

/// <summary>A redirect to another origin must not carry the token there.</summary>
public sealed class RedirectTests
{
    [Fact]
    public async Task Redirect_to_another_origin_carries_no_authorization_header()
    {
        string? seenByOther = "not called";
        await using var other = await StartAsync(app => app.Run(context =>
        {
            seenByOther = context.Request.Headers.Authorization.ToString();
            return Task.CompletedTask;
        }));
        await using var api = await StartAsync(app => app.Run(context =>
        {
            context.Response.Redirect(new Uri(Address(other), "landing").AbsoluteUri);
            return Task.CompletedTask;
        }));

        var services = new ServiceCollection();
        services.AddTokenProvider("static", p => p.UseTokenClient("Static", (_, _) => new StaticTokenClient()));
        services.AddHttpClient("api", c => c.BaseAddress = Address(api)).AddTokenHandler("static");
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(new Uri("start", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, seenByOther);
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    private static async Task<WebApplication> StartAsync(Action<WebApplication> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        configure(app);
        await app.StartAsync();
        return app;
    }

    private sealed class StaticTokenClient : ITokenClient
    {
        public bool CanRefresh => false;

        public bool RequiresInteraction => false;

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new TokenSet { AccessToken = "static-token", ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1) });

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
