using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Packaging;

/// <summary>
/// Packs TokenClients and TokenClients.Testing as a release would, checks what the packages carry, then installs them
/// from a local folder feed into a new console project outside the repository and runs it against an emulator.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tokenclients-pack-").FullName;
    private readonly string _version = "0.0.0-check." + TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Directory.Delete(_work, recursive: true);

        // The packed version is unique to this run: leave no copy of it in the machine's package cache.
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "tokenclients", "tokenclients.testing" })
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
        foreach (var project in new[] { "src/TokenClients/TokenClients.csproj", "src/TokenClients.Testing/TokenClients.Testing.csproj" })
        {
            await Commands.RunAsync(root, "dotnet", "pack", Path.Combine(root, project), "-c", "Release", "-o", feed, $"-p:Version={_version}");
        }

        AssertPackage(Path.Combine(feed, $"TokenClients.{_version}.nupkg"), "lib/net10.0/TokenClients.dll", "lib/net10.0/TokenClients.xml");
        AssertPackage(Path.Combine(feed, $"TokenClients.Testing.{_version}.nupkg"), "lib/net10.0/TokenClients.Testing.dll", "lib/net10.0/TokenClients.Testing.xml");
        Assert.True(File.Exists(Path.Combine(feed, $"TokenClients.{_version}.snupkg")), "The symbol package is missing.");

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
    }

    private static void AssertPackage(string path, params string[] files)
    {
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("README.md", entries);
        foreach (var file in files)
        {
            Assert.Contains(file, entries);
        }

        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.NotNull(metadata.Elements().SingleOrDefault(e => e.Name.LocalName == "repository"));
    }
}
