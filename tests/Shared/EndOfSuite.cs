namespace TokenClients.Tests.Support;

/// <summary>A collection xunit runs after all the parallel ones, that is, at the end of the suite.</summary>
[CollectionDefinition(nameof(EndOfSuite), DisableParallelization = true)]
public sealed class EndOfSuite;
