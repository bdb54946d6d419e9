using Microsoft.Extensions.Hosting;

namespace TokenClients.Testing;

/// <summary>
/// The lifetime of an emulator's host: started and stopped by the emulator alone. It replaces the console lifetime a
/// web application gets by default, which would take over Ctrl+C and SIGTERM (and process exit) of the whole process
/// hosting the tests or the application under test.
/// </summary>
internal sealed class EmulatorHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
