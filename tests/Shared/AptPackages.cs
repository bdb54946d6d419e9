using System.Diagnostics;

namespace TokenClients.Tests.Support;

/// <summary>Installs what a test needs from Debian's packages when the machine lacks it (as root), one install at a time.</summary>
public static class AptPackages
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>Installs <paramref name="packages"/> unless <paramref name="present"/> says they are there.</summary>
    /// <param name="packages">The packages, space-separated.</param>
    /// <param name="present">Whether the programs the test needs are installed.</param>
    /// <param name="timeout">How long the install may take.</param>
    /// <returns>A task that completes when the programs are there.</returns>
    /// <exception cref="InvalidOperationException">The install did not make them present; the message has apt-get's output.</exception>
    public static async Task InstallUnlessPresentAsync(string packages, Func<bool> present, TimeSpan timeout)
    {
        if (present())
        {
            return;
        }

        await InstallGate.WaitAsync();
        try
        {
            if (present())
            {
                return;
            }

            var install = new ProcessStartInfo("bash", ["-c", $"apt-get update -qq && apt-get install -y -qq {packages}"])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            install.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(install) ?? throw new InvalidOperationException("apt-get did not start.");
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var cancellation = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cancellation.Token);
            if (!present())
            {
                throw new InvalidOperationException($"{packages} could not be installed (apt-get exit {process.ExitCode}): {await output}{await error}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }
}
