using System.Globalization;

namespace Quickstart;

/// <summary>Prints the results as a table, then each failure's message and each note.</summary>
internal static class ResultTable
{
    private static readonly string[] Headers = ["Vendor", "Target", "Flow", "Token requests", "API calls OK", "Refreshes", "API subject", "Time"];

    public static void Print(TextWriter output, IReadOnlyList<VendorResult> results)
    {
        var rows = results.Select(r => new[]
        {
            r.Vendor,
            r.Target,
            r.Flow,
            r.TokenRequests,
            string.Create(CultureInfo.InvariantCulture, $"{r.ApiCallsOk}/{r.ApiCalls}"),
            r.Refreshes.ToString(CultureInfo.InvariantCulture),
            r.Subject ?? "-",
            string.Create(CultureInfo.InvariantCulture, $"{r.Elapsed.TotalSeconds:0.0} s"),
        }).ToList();
        var widths = Headers.Select((header, column) => rows.Select(row => row[column].Length).Append(header.Length).Max()).ToArray();

        output.WriteLine(Line(Headers, widths));
        output.WriteLine(Line(widths.Select(width => new string('-', width)).ToArray(), widths));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row, widths));
        }

        output.WriteLine();
        foreach (var result in results)
        {
            if (result.Error is not null)
            {
                output.WriteLine($"{result.Vendor} FAILED: {result.Error}");
            }

            if (result.Note is not null)
            {
                output.WriteLine($"{result.Vendor}: {result.Note}");
            }
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd();
}
