namespace TokenClients.Tests.Support;

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
