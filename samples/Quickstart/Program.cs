using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quickstart;
using Quickstart.Vendors;

// Every vendor end to end. A vendor without settings runs against its loopback emulator (short-lived tokens, so the
// run sees them expire and renewed); a vendor with settings (appsettings.json or QUICKSTART_Vendors__<Vendor>__<Setting>)
// is called for real. Exit code 1 when any vendor fails.
var started = TimeProvider.System.GetTimestamp();
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

var userConfiguration = new ConfigurationBuilder()
    .SetBasePath(AppContext.BaseDirectory)
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables(prefix: "QUICKSTART_")
    .Build();
var settings = userConfiguration.GetSection("Quickstart").Get<QuickstartSettings>() ?? new QuickstartSettings();

VendorDemo[] demos = [new MluviiDemo(), new MoodHoodDemo(), new TelmaiDemo(), new OliDemo(), new JustLoginDemo(), new StandardDemo()];
var emulated = demos.Where(demo => !demo.HasRealSettings(userConfiguration)).ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TokenClients quickstart: {string.Join(", ", demos.Select(demo =>
    $"{demo.Title} ({(emulated.Contains(demo) ? "emulator" : "real")})"))}{(emulated.Count == 0 ? "" : $"; emulated tokens live {settings.EmulatorTokenLifetime.TotalSeconds:0.#} s")}."));
foreach (var demo in demos.Except(emulated))
{
    Console.WriteLine($"  {demo.Title}: {demo.DescribeRealSettings(userConfiguration)}");
}

Console.WriteLine();

try
{
    // Start the emulators; their addresses and demo credentials become those vendors' settings.
    var emulatorSettings = await Task.WhenAll(emulated.Select(demo => demo.StartEmulatorAsync(settings.EmulatorTokenLifetime, cancellation.Token)));
    var configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(emulatorSettings.SelectMany(vendorSettings => vendorSettings))
        .AddConfiguration(userConfiguration)
        .Build();

    // The registrations an application makes: one token provider and one typed HttpClient per vendor.
    var services = new ServiceCollection();
    services.AddLogging(logging => logging
        .SetMinimumLevel(LogLevel.Warning)
        .AddConfiguration(configuration.GetSection("Logging"))
        .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)); // logs on stderr, the table on stdout
    foreach (var demo in demos)
    {
        demo.Register(services, configuration.GetSection(demo.SectionPath));
    }

    List<VendorResult> results;
    using (var monitor = new TokenClientsMonitor())
    {
        var serviceProvider = services.BuildServiceProvider();
        await using (serviceProvider)
        {
            // The vendors run side by side; each one's failure is caught and reported on its own row.
            results = [.. await Task.WhenAll(demos.Select(demo => demo.RunAsync(serviceProvider, configuration, settings, monitor, cancellation.Token)))];
        }
    }

    ResultTable.Print(Console.Out, results);
    var failed = results.Count(result => !result.Succeeded);
    var elapsed = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
    Console.WriteLine(failed == 0
        ? string.Create(CultureInfo.InvariantCulture, $"All {results.Count} vendors OK in {elapsed:0.0} s.")
        : string.Create(CultureInfo.InvariantCulture, $"{failed} of {results.Count} vendors failed ({elapsed:0.0} s)."));
    return failed == 0 ? 0 : 1;
}
finally
{
    foreach (var demo in demos)
    {
        await demo.DisposeAsync();
    }
}
