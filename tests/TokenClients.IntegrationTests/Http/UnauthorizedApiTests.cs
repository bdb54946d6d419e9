using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Http;

/// <summary>An API that refuses every token must not cost a token request per call.</summary>
public sealed class UnauthorizedApiTests
{
    [Fact]
    public async Task Api_answering_401_to_every_token_costs_one_replacement_per_cooldown()
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var mluvii = await MluviiEmulator.StartAsync(new EmulatorOptions { TimeProvider = time });
        var apiCalls = 0;
        await using var api = await StartApiAsync(context =>
        {
            Interlocked.Increment(ref apiCalls);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        });

        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddTokenProvider("mluvii", p => p.UseMluvii(o => (o.Authority, o.ClientId, o.ClientSecret) = (mluvii.BaseAddress, "demo-client", "demo-secret")));
        services.AddHttpClient("api", c => c.BaseAddress = Address(api)).AddTokenHandler("mluvii");
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync(new Uri("orders", UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        // The first token, and one replacement after the first 401; every later 401 is the caller's.
        Assert.Equal(2, mluvii.Journal.TokenRequests.Count);
        Assert.Equal(21, apiCalls);

        time.Advance(new TokenProviderOptions().RejectedTokenCooldown);
        using (await client.GetAsync(new Uri("orders", UriKind.Relative)))
        {
        }

        Assert.Equal(3, mluvii.Journal.TokenRequests.Count);
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    private static async Task<WebApplication> StartApiAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }
}
