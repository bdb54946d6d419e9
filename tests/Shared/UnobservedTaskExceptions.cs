using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace TokenClients.Tests.Support;

/// <summary>Records every task exception that nobody observed, from the moment the test assembly loads.</summary>
internal static class UnobservedTaskExceptions
{
    private static readonly ConcurrentQueue<Exception> Seen = new();

    public static IReadOnlyCollection<Exception> All => Seen;

#pragma warning disable CA2255 // A test assembly, not a library: the watch must start before any test runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Watch() => TaskScheduler.UnobservedTaskException += (_, e) => Seen.Enqueue(e.Exception);
}
