using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Vendors;

/// <summary>The Quickstart's table against its emulators: the figures it prints agree with the emulators' journals.</summary>
public sealed class QuickstartTableTests
{
    [Fact]
    public async Task Quickstart_table_counts_as_refreshes_only_the_token_requests_after_the_first_token_set()
    {
        var quickstart = typeof(QuickstartTableTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "Quickstart").Value!;
        var output = await Commands.RunAsync(Path.GetDirectoryName(quickstart)!, "dotnet", quickstart);

        var rows = Rows(output);
        Assert.Equal(["Mluvii", "MoodHood", "Telmai", "OLI", "JustLogin", "Standard OAuth2"], rows.Keys);
        foreach (var (vendor, row) in rows)
        {
            // "Token requests" is the emulator's journal of successful requests by grant; the first token set of each
            // provider (MoodHood also has its client token's provider) is no refresh.
            var journal = row["Token requests"].Split(", ").ToDictionary(part => part[..part.LastIndexOf(' ')], part => int.Parse(part[(part.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            var firstTokenSets = vendor == "MoodHood" ? 2 : 1;
            Assert.True(journal.Values.Sum() - firstTokenSets == int.Parse(row["Refreshes"], System.Globalization.CultureInfo.InvariantCulture),
                $"{vendor}: token requests '{row["Token requests"]}' but refreshes {row["Refreshes"]}");
        }

        Assert.Equal(new Dictionary<string, int> { ["authorization_code"] = 1, ["refresh_token"] = 1 },
            rows["JustLogin"]["Token requests"].Split(", ").ToDictionary(part => part.Split(' ')[0], part => int.Parse(part.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("1", rows["JustLogin"]["Refreshes"]);
    }

    /// <summary>The table's rows by vendor, each cell by its column's header (columns are found by the header's position).</summary>
    private static Dictionary<string, Dictionary<string, string>> Rows(string output)
    {
        var lines = output.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        var headerIndex = lines.FindIndex(line => line.StartsWith("Vendor ", StringComparison.Ordinal));
        Assert.True(headerIndex >= 0, output);
        var header = lines[headerIndex];
        var dashes = lines[headerIndex + 1];
        var columns = new List<(int Start, int End)>();
        for (var i = 0; i < dashes.Length;)
        {
            var end = dashes.IndexOf(' ', i) is var space and >= 0 ? space : dashes.Length;
            columns.Add((i, end));
            i = end;
            while (i < dashes.Length && dashes[i] == ' ')
            {
                i++;
            }
        }

        string Cell(string line, (int Start, int End) column) =>
            column.Start >= line.Length ? string.Empty : line[column.Start..Math.Min(column.End, line.Length)].Trim();

        var names = columns.Select(column => Cell(header, column)).ToList();
        return lines.Skip(headerIndex + 2).TakeWhile(line => line.Length > 0)
            .ToDictionary(line => Cell(line, columns[0]), line => columns.Select((column, i) => (names[i], Cell(line, column))).ToDictionary(c => c.Item1, c => c.Item2));
    }
}
