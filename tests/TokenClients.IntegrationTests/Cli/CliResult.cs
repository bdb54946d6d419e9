namespace TokenClients.IntegrationTests.Cli;

/// <summary>What the command exited with and printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Gets the value printed after a label such as <c>token</c>.</summary>
    public string Field(string label) =>
        OutputLines.Single(line => line.StartsWith(label + " ", StringComparison.Ordinal))[label.Length..].Trim();
}
