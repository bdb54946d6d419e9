using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Packaging;

/// <summary>
/// Packs every package as a release would, checks what the packages carry (metadata, dependencies, README, symbols),
/// then installs them from a local folder feed into a new console project outside the repository and runs it against
/// an emulator, and installs the command-line tool the way the README says.
/// </summary>
[Collection(ReleaseBuildGroup.Name)]
public sealed partial class PackageTests : IDisposable
{
    /// <summary>
    /// What each package may ask of its users, and why. Implementation packages that only an application chooses
    /// (Microsoft.Extensions.DependencyInjection, Logging, Configuration) must never appear.
    /// </summary>
    private static readonly Dictionary<string, string[]> AllowedDependencies = new(StringComparer.Ordinal)
    {
        ["TokenClients"] =
        [
            "Duende.IdentityModel",                                // the standard grants, discovery and PKCE
            "Microsoft.Extensions.Http",                           // IHttpClientFactory: each provider's named token-endpoint client
            "Microsoft.Extensions.Http.Resilience",                // the retry, timeout and circuit-breaker pipeline of that client
            "Microsoft.Extensions.Options",                        // named options validated at start (no separate abstractions package)
            "Microsoft.Extensions.Logging.Abstractions",
            "Microsoft.Extensions.DependencyInjection.Abstractions",
            "Microsoft.Extensions.Caching.Abstractions",           // IDistributedCache for the shared cache
            "Microsoft.AspNetCore.DataProtection.Abstractions",    // what encrypts shared and stored tokens
            "Microsoft.Extensions.Configuration.Abstractions",     // AddTokenProviders(IConfiguration)
        ],
        ["TokenClients.Redis"] =
        [
            "TokenClients",
            "StackExchange.Redis",                                 // the fleet lock and the compare-and-set store
            "Microsoft.Extensions.Caching.StackExchangeRedis",     // the IDistributedCache it registers when the app has none
        ],
        ["TokenClients.AspNetCore"] =
        [
            "TokenClients",
            "Microsoft.AspNetCore.Authentication.OpenIdConnect",   // the sign-in whose tokens it keeps; ASP.NET Core comes as a framework reference
        ],
        ["TokenClients.Testing"] = [],                             // ASP.NET Core comes as a framework reference
        ["TokenClients.Cli"] = [],                                 // a tool carries its dependencies inside
    };

    private readonly string _work = Directory.CreateTempSubdirectory("tokenclients-pack-").FullName;
    private readonly string _suffix = "check." + TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
    private readonly string _version;

    public PackageTests()
    {
        // The version lives in one place; a prerelease adds only a suffix.
        var prefix = XDocument.Load(Path.Combine(Commands.RepositoryRoot(), "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;
        _version = prefix + "-" + _suffix;
    }

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);

        // The packed version is unique to this run: leave no copy of it in the machine's package cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "tokenclients", "tokenclients.testing", "tokenclients.redis", "tokenclients.aspnetcore", "tokenclients.cli" })
        {
            var folder = Path.Combine(cache, id, _version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Packed_packages_install_from_a_folder_feed_and_get_a_token_from_an_emulator()
    {
        var root = Commands.RepositoryRoot();
        var feed = Directory.CreateDirectory(Path.Combine(_work, "feed")).FullName;
        foreach (var id in AllowedDependencies.Keys)
        {
            await Commands.RunAsync(root, "dotnet", "pack", Path.Combine(root, "src", id), "-c", "Release", "-o", feed, $"-p:VersionSuffix={_suffix}");
        }

        var commit = await HeadCommitAsync(root);
        foreach (var id in new[] { "TokenClients", "TokenClients.Testing", "TokenClients.Redis", "TokenClients.AspNetCore" })
        {
            AssertPackage(root, Path.Combine(feed, $"{id}.{_version}.nupkg"), id, commit, $"lib/net10.0/{id}.dll", $"lib/net10.0/{id}.xml");
            AssertSourceLink(Path.Combine(feed, $"{id}.{_version}.snupkg"), id, commit);
        }

        AssertPackage(root, Path.Combine(feed, $"TokenClients.Cli.{_version}.nupkg"), "TokenClients.Cli", commit, "tools/net10.0/any/TokenClients.Cli.dll");

        var app = Directory.CreateDirectory(Path.Combine(_work, "app")).FullName;
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TokenClients" Version="{_version}" />
                <PackageReference Include="TokenClients.Testing" Version="{_version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), """
            using Microsoft.Extensions.DependencyInjection;
            using TokenClients;
            using TokenClients.Testing;

            await using var mluvii = await MluviiEmulator.StartAsync();
            var services = new ServiceCollection();
            services.AddTokenProvider("mluvii", p => p.UseMluvii(o =>
            {
                o.Authority = mluvii.BaseAddress;
                o.ClientId = "demo-client";
                o.ClientSecret = "demo-secret";
            }));
            services.AddHttpClient("api", c => c.BaseAddress = mluvii.BaseAddress).AddTokenHandler("mluvii");
            await using var provider = services.BuildServiceProvider();
            var api = provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
            for (var i = 0; i < 3; i++)
            {
                using var response = await api.GetAsync(mluvii.ApiEndpoint);
                response.EnsureSuccessStatusCode();
            }

            Console.WriteLine($"api calls ok: 3, token requests: {mluvii.Journal.CountGrant("client_credentials")}");
            """);

        var output = await Commands.RunAsync(app, "dotnet", "run", "--project", Path.Combine(app, "App.csproj"));

        Assert.Contains("api calls ok: 3, token requests: 1", output, StringComparison.Ordinal);

        await InstallToolAsTheReadmeSaysAsync(root, feed);
    }

    /// <summary>Runs the README's line that installs the tool from a folder, with the folder this run packed into.</summary>
    private async Task InstallToolAsTheReadmeSaysAsync(string root, string feed)
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        var line = readme.Split('\n').Select(l => l.Split('#')[0].Trim()).Single(l => l.StartsWith("dotnet tool install", StringComparison.Ordinal) && l.Contains("--add-source", StringComparison.Ordinal));
        var arguments = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        arguments[Array.IndexOf(arguments, "--add-source") + 1] = feed;

        // --global installs under DOTNET_CLI_HOME: a folder of this run, not the machine's own tools.
        var cliHome = Directory.CreateDirectory(Path.Combine(_work, "cli-home")).FullName;
        var dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var environment = new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = cliHome, ["DOTNET_ROOT"] = dotnetRoot, ["DOTNET_NOLOGO"] = "1" };
        var installed = await RunAsync(_work, "dotnet", arguments, environment);
        Assert.Contains(_version, installed, StringComparison.Ordinal);

        var help = await RunAsync(_work, Path.Combine(cliHome, ".dotnet", "tools", "tokenclients"), ["--help"], environment);
        Assert.Contains("tokenclients [command] [options]", help, StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(string directory, string fileName, string[] arguments, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "DOTNET_HOST_PATH" })
        {
            start.Environment.Remove(variable);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        return output;
    }

    /// <summary>The commit being packed, or <see langword="null"/> outside a git clone (a source archive): then no SourceLink can be checked.</summary>
    private static async Task<string?> HeadCommitAsync(string root) =>
        Directory.Exists(Path.Combine(root, ".git")) || File.Exists(Path.Combine(root, ".git"))
            ? (await Commands.RunAsync(root, "git", "rev-parse", "HEAD")).Trim()
            : null;
}
