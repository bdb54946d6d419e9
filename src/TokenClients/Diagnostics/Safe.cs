using Microsoft.Extensions.Logging;

namespace TokenClients.Diagnostics;

/// <summary>Runs logging where a failure must not change what callers get.</summary>
internal static class Safe
{
    /// <summary>
    /// Writes a log entry, swallowing whatever the logging pipeline throws: a broken logger or sink must never leave a
    /// shared token request uncompleted or turn a served token into an error.
    /// </summary>
    public static void Log<TState>(ILogger logger, Action<ILogger, TState> write, TState state)
    {
        try
        {
            write(logger, state);
        }
#pragma warning disable CA1031 // Any exception of a logger is swallowed: see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Nothing to report it to: the logger is what failed.
        }
    }
}
