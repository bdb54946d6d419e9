using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Packaging;

/// <summary>The Quickstart published as a Native AOT binary: no trim or AOT warning, and every vendor runs.</summary>
[Collection(ReleaseBuildGroup.Name)]
public sealed class NativeAotTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tokenclients-aot-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Quickstart_publishes_with_native_aot_without_warnings_and_runs_every_vendor()
    {
        var root = Commands.RepositoryRoot();
        if (!Directory.EnumerateFiles("/usr/bin", "clang*").Any(f => Path.GetFileName(f) == "clang" || Path.GetFileName(f).StartsWith("clang-1", StringComparison.Ordinal)))
        {
            // Native AOT links with clang; a fresh machine may not have it yet.
            await Commands.RunAsync(root, "sh", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang");
        }

        var publish = await Commands.RunAsync(root, "dotnet", "publish", Path.Combine(root, "samples/Quickstart/Quickstart.csproj"),
            "-c", "Release", "-p:PublishAot=true", "-o", _out);

        Assert.DoesNotContain("warning", publish, StringComparison.OrdinalIgnoreCase);
        var run = await Commands.RunAsync(_out, Path.Combine(_out, "Quickstart"));
        Assert.Contains("All 6 vendors OK", run, StringComparison.Ordinal);
    }
}
