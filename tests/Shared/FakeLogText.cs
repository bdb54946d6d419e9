using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.Tests.Support;

/// <summary>The text of collected log records, for searching them for what must (or must never) be logged.</summary>
internal static class FakeLogText
{
    /// <summary>One line per record: level, category, event id, message, structured state, scopes and exception.</summary>
    public static IReadOnlyList<string> Lines(this FakeLogCollector logs) => [.. logs.GetSnapshot().Select(Line)];

    /// <summary>Every record's <see cref="Line"/>, one a line.</summary>
    public static string AllText(this FakeLogCollector logs) => string.Join('\n', logs.Lines());

    /// <summary>A record's level, category, event id, message, structured state, scopes and exception.</summary>
    public static string Line(FakeLogRecord record) =>
        $"{record.Level} {record.Category} [{record.Id.Id}] {record.Message} " +
        $"{string.Join(';', record.StructuredState?.Select(p => $"{p.Key}={p.Value}") ?? [])} " +
        $"{string.Join(';', record.Scopes)} {record.Exception}";
}
