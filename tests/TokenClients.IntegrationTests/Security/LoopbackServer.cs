using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenClients.IntegrationTests.Security;

/// <summary>A Kestrel app on 127.0.0.1 and a free port, and the token client the security tests share.</summary>
internal static class LoopbackServer
{
    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    public static async Task<WebApplication> StartAsync(Action<WebApplication> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        configure(app);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return app;
    }
}

/// <summary>Issues "token-1", "token-2", … and counts the requests it answered.</summary>
internal sealed class CountingTokenClient : ITokenClient
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public bool CanRefresh => false;

    public bool RequiresInteraction => false;

    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new TokenSet { AccessToken = $"token-{Interlocked.Increment(ref _requests)}", ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1) });

    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}
