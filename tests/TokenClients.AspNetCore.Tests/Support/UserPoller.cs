using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>A hosted service that calls the API for each user id it is given, as background work of an application does.</summary>
internal sealed class UserPoller(IHttpClientFactory factory) : BackgroundService
{
    public Channel<string> Users { get; } = Channel.CreateUnbounded<string>();

    public Channel<HttpStatusCode> Results { get; } = Channel.CreateUnbounded<HttpStatusCode>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var user in Users.Reader.ReadAllAsync(stoppingToken))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/me").WithTokenSubject(user);
            using var response = await factory.CreateClient("idp").SendAsync(request, stoppingToken);
            await Results.Writer.WriteAsync(response.StatusCode, stoppingToken);
        }
    }
}
