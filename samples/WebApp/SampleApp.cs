using System.Net;
using System.Net.Sockets;

namespace WebApp;

/// <summary>
/// The sample web application, running: its listening address on 127.0.0.1, the emulators it started, and the host.
/// <c>Program</c> runs it until Ctrl+C; a browser test starts it in-process on a free port and disposes it.
/// </summary>
public sealed class SampleApp : IAsyncDisposable
{
    private readonly Socket _listener;

    private SampleApp(WebApplication host, DemoEmulators emulators, Socket listener, Uri address)
    {
        Host = host;
        Emulators = emulators;
        _listener = listener;
        Address = address;
    }

    /// <summary>Gets the application's address, for example <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri Address { get; }

    /// <summary>Gets the emulators the application started (none when <c>Emulators:Enabled</c> is false).</summary>
    public DemoEmulators Emulators { get; }

    /// <summary>Gets the running host.</summary>
    public WebApplication Host { get; }

    /// <summary>
    /// Builds and starts the application on 127.0.0.1 at <c>WebApp:Port</c> (0: a free port chosen by the system). The
    /// socket is bound first, so the address (and with it every callback URL) is known before anything is configured.
    /// </summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--WebApp:Port=0</c>).</param>
    /// <param name="configure">Changes to the builder before the application is built (a test adds settings or loggers); may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running application.</returns>
    public static async Task<SampleApp> StartAsync(string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,

            // Razor pages and static content belong to this assembly, also when a test process hosts the application.
            ApplicationName = typeof(SampleApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        configure?.Invoke(builder);

        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        DemoEmulators? emulators = null;
        WebApplication? host = null;
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, builder.Configuration.GetValue("WebApp:Port", 5080)));
            listener.Listen(512);
            var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndPoint!).Port}/");
            if (OperatingSystem.IsWindows())
            {
                // Kestrel takes a listening socket's handle on Linux and macOS; Windows gets the port, freed for it.
                listener.Dispose();
                builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, address.Port));
            }
            else
            {
                builder.WebHost.UseKestrel(kestrel => kestrel.ListenHandle((ulong)listener.Handle));
            }

            emulators = await DemoEmulators.StartAsync(builder.Configuration, address, cancellationToken);
            builder.Services.AddSingleton(emulators);
            builder.AddWebAppServices(address);

            host = builder.Build();
            host.UseWebApp();
            await host.StartAsync(cancellationToken);
            return new SampleApp(host, emulators, listener, address);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            if (emulators is not null)
            {
                await emulators.DisposeAsync();
            }

            listener.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the host is stopped (Ctrl+C, SIGTERM).</summary>
    /// <returns>A task that completes when the host stopped.</returns>
    public Task WaitForShutdownAsync() => Host.WaitForShutdownAsync();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        // A browser left waiting by a failed test must not hold the shutdown for the host's default 30 seconds.
        using (var shutdown = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await Host.StopAsync(shutdown.Token);
        }

        await Host.DisposeAsync();
        await Emulators.DisposeAsync();
        _listener.Dispose();
    }
}
