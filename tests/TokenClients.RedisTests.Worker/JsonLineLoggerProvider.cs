using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace TokenClients.RedisTests.Worker;

/// <summary>Reports log events of Information and above by id, level and exception (TokenClients puts no secret in either).</summary>
internal sealed class JsonLineLoggerProvider(JsonLines output) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(JsonLines output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && category.StartsWith("TokenClients", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                output.Write(new JsonObject
                {
                    ["event"] = "log",
                    ["id"] = eventId.Id,
                    ["level"] = logLevel.ToString(),
                    ["category"] = category,
                    ["exception"] = exception is null ? null : exception.GetType().Name + ": " + exception.Message,
                });
            }
        }
    }
}
