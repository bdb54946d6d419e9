using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace TokenClients.IntegrationTests.Support;

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

/// <summary>A collection xunit runs after all the parallel ones, that is, at the end of the suite.</summary>
[CollectionDefinition(nameof(EndOfSuite), DisableParallelization = true)]
public sealed class EndOfSuite;

/// <summary>Checks, after every other test of this assembly ran, that no task exception went unobserved.</summary>
[Collection(nameof(EndOfSuite))]
public sealed class UnobservedTaskExceptionTests
{
    [Fact]
    public void No_task_exception_went_unobserved_during_the_suite()
    {
        // Unobserved exceptions surface when their tasks are finalized.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.Empty(UnobservedTaskExceptions.All);
    }
}
