namespace TokenClients.Tests.Diagnostics;

/// <summary>Telemetry tests share process-wide listeners and the allocation test counts every listener's work: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryTestGroup
{
    public const string Name = "Telemetry";
}
