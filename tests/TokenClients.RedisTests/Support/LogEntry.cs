using Microsoft.Extensions.Logging;

namespace TokenClients.RedisTests.Support;

/// <summary>One captured log event.</summary>
public sealed record LogEntry(string Category, LogLevel Level, int EventId, string Message);
