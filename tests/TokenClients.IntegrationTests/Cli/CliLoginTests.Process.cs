using System.Diagnostics;

namespace TokenClients.IntegrationTests.Cli;

public sealed partial class CliLoginTests
{
    /// <summary>A running tokenclients process whose output is read line by line as it comes; killed if it outlives its bound.</summary>
    private sealed class CliRun : IDisposable
    {
        private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly Task<string> _error;
        private readonly Task _reading;
        private readonly SemaphoreSlim _arrived = new(0);

        public CliRun(Process process)
        {
            _process = process;
            _process.StandardInput.Close();
            _error = _process.StandardError.ReadToEndAsync();
            _reading = ReadAsync();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        /// <summary>Waits for the line that starts with <paramref name="label"/> and returns its value.</summary>
        public async Task<string> FieldAsync(string label)
        {
            using var timeout = new CancellationTokenSource(Bound);
            while (true)
            {
                if (Lines.FirstOrDefault(l => l.StartsWith(label + " ", StringComparison.Ordinal)) is { } line)
                {
                    return line[label.Length..].Trim();
                }

                if (_reading.IsCompleted)
                {
                    throw new InvalidOperationException($"tokenclients ended without printing '{label}': {await _error}");
                }

                await _arrived.WaitAsync(TimeSpan.FromMilliseconds(200), timeout.Token);
            }
        }

        public async Task<(int Exit, string[] Output, string[] Error)> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(Bound);
            await _process.WaitForExitAsync(timeout.Token);
            await _reading;
            var error = (await _error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return (_process.ExitCode, [.. Lines], error);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
            _arrived.Dispose();
        }

        private async Task ReadAsync()
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line.Trim());
                }

                _arrived.Release();
            }
        }
    }
}
