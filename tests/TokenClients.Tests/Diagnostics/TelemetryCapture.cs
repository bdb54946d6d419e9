using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenClients.Tests.Diagnostics;

/// <summary>
/// The TokenClients ActivitySource and Meter seen through an ActivityListener and a MeterListener. Both are process-wide,
/// so each test uses provider names of its own and keeps only what carries them; nothing is allocated for the rest.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly string _name;
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();

    public TelemetryCapture(string name)
    {
        _name = name;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TokenClientsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(TokenClientsTelemetry.ProviderTag) is string provider && provider.StartsWith(_name, StringComparison.Ordinal))
                {
                    Spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TokenClientsTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    public List<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument.Name == instrument)];

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var ours = false;
        foreach (var tag in tags)
        {
            ours |= tag.Key == TokenClientsTelemetry.ProviderTag && tag.Value is string provider && provider.StartsWith(_name, StringComparison.Ordinal);
        }

        if (!ours)
        {
            return;
        }

        var copy = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new Measurement(instrument, value, copy));
    }

    internal sealed record Measurement(Instrument Instrument, double Value, Dictionary<string, object?> Tags);
}
