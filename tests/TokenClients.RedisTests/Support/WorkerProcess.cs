using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace TokenClients.RedisTests.Support;

/// <summary>
/// An instance of the application in its own process (tests/TokenClients.RedisTests.Worker): commands on its standard
/// input, JSON lines back on its standard output.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _logs = [];
    private readonly System.Text.StringBuilder _errors = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _events.Writer.TryComplete();
                return;
            }

            if (!e.Data.StartsWith('{'))
            {
                return;
            }

            var element = JsonDocument.Parse(e.Data).RootElement.Clone();
            if (element.GetProperty("event").GetString() == "log")
            {
                lock (_logs)
                {
                    _logs.Add(element);
                }
            }
            else
            {
                _events.Writer.TryWrite(element);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_errors)
            {
                _errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public IReadOnlyList<JsonElement> Logs
    {
        get
        {
            lock (_logs)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>Starts a worker and waits until it says it is ready.</summary>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> arguments, TimeSpan readyWithin)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(WorkerPath());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."));
        await worker.ReadAsync("ready", readyWithin);
        return worker;
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Reads the next event; it must be named <paramref name="name"/> and come within <paramref name="within"/>.</summary>
    public async Task<JsonElement> ReadAsync(string name, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        JsonElement next;
        try
        {
            next = await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException($"Worker {Id} sent no '{name}' within {within}. Its errors: {Errors()}", exception);
        }

        Assert.True(next.GetProperty("event").GetString() == name, $"Worker {Id} answered {next} instead of '{name}'. Its errors: {Errors()}");
        return next;
    }

    /// <summary>Kills the process, as a crash or a scale-in would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private string Errors()
    {
        lock (_errors)
        {
            return _errors.ToString();
        }
    }

    /// <summary>The worker's build output: it is built with this project, into the sibling project's bin folder.</summary>
    private static string WorkerPath()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        var tests = configuration.Parent!.Parent!.Parent!;
        var path = Path.Combine(tests.FullName, "TokenClients.RedisTests.Worker", "bin", configuration.Name, framework.Name, "TokenClients.RedisTests.Worker.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("The worker is not built; build tests/TokenClients.RedisTests.", path);
    }
}
