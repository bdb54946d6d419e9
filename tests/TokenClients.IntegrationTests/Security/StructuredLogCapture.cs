using System.Collections;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// Keeps every log entry and scope of every category at every level the way a structured sink sees it: the state
/// object itself, its key/value pairs, header collections and the public properties it carries, stringified
/// once when the entry is written (a sink that exports on the spot) and again on demand (a sink that exports later).
/// </summary>
internal sealed class StructuredLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyCollection<Entry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    /// <summary>The entries (text as written and as walked now) that contain <paramref name="secret"/>.</summary>
    public IReadOnlyList<string> EntriesContaining(string secret) =>
        [.. _entries.Select(e => (Entry: e, WhenWritten: e.WrittenText.Contains(secret, StringComparison.Ordinal), ReadLater: Walk(e.State).Contains(secret, StringComparison.Ordinal)))
            .Where(e => e.WhenWritten || e.ReadLater)
            .Select(e => $"{e.Entry.Category} [{e.Entry.EventId}] {e.Entry.State?.GetType().Name} (when written: {e.WhenWritten}, read later: {e.ReadLater})")];

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

    internal sealed record Entry(string Category, int EventId, object? State, string WrittenText);

    private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            entries.Enqueue(new Entry(category, 0, state, $"{state}\n{Walk(state)}"));
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new Entry(category, eventId.Id, state, $"{formatter(state, exception)}\n{Walk(state)}\n{exception}"));
    }
}
