using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// Everything a flow could write where operators read: log entries at Trace of every category (read as a structured
/// sink reads them), every ActivitySource's activities with their tags and events, every Meter's measurements with their
/// tags, and whatever the test keeps (exceptions, <c>ToString()</c>s). Then every secret is searched for, raw and
/// URL-encoded.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ConcurrentQueue<string> _captured = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryCapture()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => _captured.Enqueue(
                $"activity {activity.Source.Name} {activity.DisplayName} {activity.StatusDescription} {string.Join(';', activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))} "
                + string.Join(';', activity.Events.Select(e => e.Name + string.Join(',', e.Tags.Select(t => $"{t.Key}={t.Value}"))))),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument);
        _meters.SetMeasurementEventCallback<long>((instrument, _, tags, _) => Measure(instrument, tags));
        _meters.SetMeasurementEventCallback<int>((instrument, _, tags, _) => Measure(instrument, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, _, tags, _) => Measure(instrument, tags));
        _meters.Start();
    }

    /// <summary>Gets the logs, read the way a structured sink reads them.</summary>
    public StructuredLogState Logs { get; } = new();

    /// <summary>Sends every log of <paramref name="services"/>, at Trace, here.</summary>
    public void AddLogging(IServiceCollection services) =>
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs.Collector)));

    /// <summary>Keeps what a caller might log: an exception, a result's <c>ToString()</c>.</summary>
    public void Keep(object? value) => _captured.Enqueue(value?.ToString() ?? string.Empty);

    /// <summary>Everything captured so far, as one text.</summary>
    public string Everything() =>
        string.Join('\n', _captured) + '\n' + string.Join('\n', Logs.Collector.GetSnapshot().Select(r => $"log {r.Category} [{r.Id.Id}] {StructuredLogState.Text(r)}"));

    /// <summary>Fails when any secret (named by its kind in the message, never quoted) appears anywhere captured.</summary>
    public void AssertNoneOf(IEnumerable<(string Kind, string Secret)> secrets)
    {
        var everything = Everything();
        foreach (var (kind, secret) in secrets)
        {
            Assert.False(everything.Contains(secret, StringComparison.Ordinal), $"A {kind} of {secret.Length} characters leaked.");
            Assert.False(everything.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal), $"A {kind} of {secret.Length} characters leaked URL-encoded.");
            Assert.Empty(Logs.EntriesContaining(secret));
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Measure(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = new StringBuilder("metric ").Append(instrument.Meter.Name).Append(' ').Append(instrument.Name);
        foreach (var tag in tags)
        {
            text.Append(';').Append(tag.Key).Append('=').Append(tag.Value);
        }

        _captured.Enqueue(text.ToString());
    }
}
