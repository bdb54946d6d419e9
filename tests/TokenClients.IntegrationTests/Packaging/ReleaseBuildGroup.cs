namespace TokenClients.IntegrationTests.Packaging;

/// <summary>
/// The tests that build the library in Release (packing, Native AOT publishing) write the same output files: they run
/// one after the other, never at once.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleaseBuildGroup
{
    public const string Name = "Release builds";
}
