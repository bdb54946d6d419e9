using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Emulators;

public sealed class EmulatorHostTests
{
    [Fact]
    public async Task An_emulator_leaves_the_process_signals_alone_and_still_stops_when_disposed()
    {
        IHostLifetime lifetime;
        var emulator = await StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        await using (emulator)
        {
            var app = (WebApplication)typeof(TokenEndpointEmulator).GetField("_app", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(emulator)!;
            lifetime = app.Services.GetRequiredService<IHostLifetime>();

            // The console lifetime registers Ctrl+C, SIGINT, SIGQUIT and SIGTERM handlers for the whole process.
            Assert.IsNotType<ConsoleLifetime>(lifetime);
        }

        using var http = new HttpClient();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => http.GetAsync(emulator.BaseAddress).WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
