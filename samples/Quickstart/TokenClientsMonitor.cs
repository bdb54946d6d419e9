using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Quickstart;

/// <summary>
/// Listens to what TokenClients publishes under the name <c>TokenClients</c> (the same data an OpenTelemetry exporter
/// would collect): the <c>tokenclients.token.requests</c> counter and the <c>TokenClients.TokenRequest</c> activities.
/// </summary>
internal sealed class TokenClientsMonitor : IDisposable
{
    private const string SourceName = "TokenClients";
    private const string ProviderTag = "tokenclients.provider";
    private readonly ConcurrentDictionary<string, int> _tokenRequests = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Provider, string Grant)> _requests = new();
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;

    public TokenClientsMonitor()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SourceName && instrument.Name == "tokenclients.token.requests")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? provider = null;
            var success = false;
            foreach (var (key, tagValue) in tags)
            {
                provider = key == ProviderTag ? tagValue as string : provider;
                success |= key == "tokenclients.outcome" && tagValue as string == "success";
            }

            if (provider is not null && success)
            {
                _tokenRequests.AddOrUpdate(provider, (int)value, (_, count) => count + (int)value);
            }
        });
        _meters.Start();

        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = (ref _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem(ProviderTag) is string provider && activity.GetTagItem("tokenclients.grant") is string grant)
                {
                    _requests.Enqueue((provider, grant));
                }
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>
    /// How many times the provider renewed its token: its successful token requests, less the first, which got the first
    /// token set (a token request with the provider's grant, or the code exchange of a user's sign-in).
    /// </summary>
    public int Refreshes(string providerName) => Math.Max(0, _tokenRequests.GetValueOrDefault(providerName) - 1);

    /// <summary>
    /// The provider's token requests by kind (<c>request</c>: a new token set; <c>refresh_token</c>), with those of the
    /// providers it depends on (MoodHood's <c>{name}.client</c>).
    /// </summary>
    public string DescribeTokenRequests(string providerName)
    {
        var parts = _requests
            .Where(r => r.Provider == providerName || r.Provider.StartsWith(providerName + ".", StringComparison.Ordinal))
            .GroupBy(r => r.Grant)
            .Select(g => $"{g.Key} {g.Count()}")
            .ToList();
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
