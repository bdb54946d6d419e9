using System.Buffers.Text;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.OidcProvider;

public sealed partial class OidcProviderServer
{
    private static async Task NpmCiAsync(string folder)
    {
        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(start) ?? throw new InvalidOperationException("npm could not be started; is node installed?");
        var output = npm.StandardOutput.ReadToEndAsync();
        var error = npm.StandardError.ReadToEndAsync();
        try
        {
            await npm.WaitForExitAsync().WaitAsync(NpmTimeout);
        }
        catch (TimeoutException)
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm ci in {folder} did not finish within {NpmTimeout}; is the npm registry reachable?");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {folder} failed (exit {npm.ExitCode}); is the npm registry reachable?\n{await output}\n{await error}");
        }
    }
}
