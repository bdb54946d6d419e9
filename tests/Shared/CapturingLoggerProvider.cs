using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TokenClients.Tests.Support;

/// <summary>Captures every log line of every category at every level, exceptions included.</summary>
/// <param name="lines">Where the lines go; a queue of its own when <see langword="null"/>.</param>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string>? lines = null) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = lines ?? new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category} [{eventId.Id}] {formatter(state, exception)} {exception}");
    }
}
