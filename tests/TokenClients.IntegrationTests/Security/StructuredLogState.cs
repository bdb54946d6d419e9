using System.Collections;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// A <see cref="FakeLogCollector"/> read the way a structured sink reads entries: the state object itself, its key/value
/// pairs, header collections and the public properties it carries, and the same of every scope; once when the entry is
/// written (a sink that exports on the spot, through the collector's output sink) and again on demand (a sink that
/// exports later). <see cref="FakeLogRecord.StructuredState"/> alone holds only the strings the pairs had when written;
/// IHttpClientFactory's entries carry live header collections that change after the entry was written (a resent
/// request gets a new token), so those are walked here, at both times.
/// </summary>
internal sealed class StructuredLogState
{
    private readonly ConcurrentQueue<string> _written = new();

    public StructuredLogState() =>
        Collector = FakeLogCollector.Create(new FakeLogCollectorOptions { OutputFormatter = r => $"{Describe(r)}\n{Text(r)}", OutputSink = _written.Enqueue });

    /// <summary>Gets the collector to register (through a <see cref="FakeLoggerProvider"/>).</summary>
    public FakeLogCollector Collector { get; }

    /// <summary>The entries (text as written and as walked now) that contain <paramref name="secret"/>.</summary>
    public IReadOnlyList<string> EntriesContaining(string secret) =>
        [
            .. _written.Where(w => w.Contains(secret, StringComparison.Ordinal)).Select(w => w[..w.IndexOf('\n', StringComparison.Ordinal)] + " (when written)"),
            .. Collector.GetSnapshot().Where(r => Text(r).Contains(secret, StringComparison.Ordinal)).Select(r => Describe(r) + " (read later)"),
        ];

    /// <summary>Everything a structured sink could read from a record now: message, pairs, state, scopes, exception.</summary>
    public static string Text(FakeLogRecord record) =>
        $"{record.Message}\n{Walk(record.State)}\n{string.Join('\n', record.Scopes.Select(s => $"{s}\n{Walk(s)}"))}\n{record.Exception}";

    private static string Describe(FakeLogRecord record) => $"{record.Category} [{record.Id.Id}] {record.State?.GetType().Name}";

    /// <summary>Every string a structured sink could read from <paramref name="state"/>.</summary>
    public static string Walk(object? state)
    {
        var parts = new List<string>();
        Walk(state, parts, depth: 0);
        return string.Join('\n', parts);
    }

    private static void Walk(object? value, List<string> parts, int depth)
    {
        if (value is null || depth > 6)
        {
            return;
        }

        switch (value)
        {
            case string s:
                parts.Add(s);
                return;
            case HttpHeaders headers:
                foreach (var header in headers.NonValidated)
                {
                    parts.Add(header.Key);
                    foreach (var item in header.Value)
                    {
                        parts.Add(item);
                    }
                }

                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var pair in pairs)
                {
                    parts.Add(pair.Key);
                    Walk(pair.Value, parts, depth + 1);
                }

                break;
            case IEnumerable items:
                foreach (var item in items)
                {
                    Walk(item, parts, depth + 1);
                }

                break;
            default:
                parts.Add(value.ToString() ?? string.Empty);
                break;
        }

        // What the state carries besides its pairs (the request's header collection, for one).
        var type = value.GetType();
        if (!type.IsPrimitive && !type.IsEnum && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length == 0)
                {
                    Walk(property.GetValue(value), parts, depth + 1);
                }
            }
        }
    }
}
