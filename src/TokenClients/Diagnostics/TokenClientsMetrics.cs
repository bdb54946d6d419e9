using System.Diagnostics;
using System.Diagnostics.Metrics;
using static TokenClients.TokenClientsTelemetry;

namespace TokenClients.Diagnostics;

/// <summary>
/// The instruments of the <c>TokenClients</c> meter. A container with an <see cref="IMeterFactory"/> (every host has
/// one) gets its own meter from it, disposed with the container; a container without one records through
/// <see cref="Default"/>, a process-wide meter of the same name and version, so listeners see both the same way.
/// </summary>
/// <remarks>Every recording method is allocation-free: tags go in a <see cref="TagList"/> or a single pair, never a closure or an array.</remarks>
internal sealed class TokenClientsMetrics
{
    /// <summary>
    /// The duration histogram's bucket boundaries, in seconds: the OpenTelemetry HTTP client buckets up to 10 s, then 30 s
    /// and 60 s, since a token request with its retries may last up to its 45 s total timeout.
    /// </summary>
    internal static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

    private readonly Counter<long> _tokenRequests;
    private readonly Histogram<double> _tokenRequestDuration;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _refreshesAhead;
    private readonly Counter<long> _unauthorizedRetries;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>, or on a meter of their own without one.</summary>
    public TokenClientsMetrics(IMeterFactory? meterFactory)
    {
        var options = new MeterOptions(Name) { Version = TokenClientsDiagnostics.Version };
        Meter = meterFactory?.Create(options) ?? new Meter(options);
        _tokenRequests = Meter.CreateCounter<long>(
            TokenRequestsInstrument, unit: "{request}", description: "Token endpoint requests by provider, grant and outcome.");
        _tokenRequestDuration = Meter.CreateHistogram(
            TokenRequestDurationInstrument, unit: "s", description: "Duration of token endpoint requests, retries included.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _cacheHits = Meter.CreateCounter<long>(CacheHitsInstrument, unit: "{hit}", description: "Tokens served from the cache.");
        _cacheMisses = Meter.CreateCounter<long>(CacheMissesInstrument, unit: "{miss}", description: "Token reads that waited for the token endpoint.");
        _refreshesAhead = Meter.CreateCounter<long>(RefreshAheadInstrument, unit: "{refresh}", description: "Background refreshes started ahead of expiry.");
        _unauthorizedRetries = Meter.CreateCounter<long>(
            UnauthorizedRetriesInstrument, unit: "{retry}", description: "API requests resent with a new token after a 401.");
    }

    /// <summary>Gets the instruments of a container without an <see cref="IMeterFactory"/>, or of a provider built by hand.</summary>
    public static TokenClientsMetrics Default { get; } = new(null);

    /// <summary>Gets the meter the instruments belong to.</summary>
    public Meter Meter { get; }

    public void RecordCacheHit(string provider)
    {
        if (_cacheHits.Enabled)
        {
            _cacheHits.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        }
    }

    public void RecordCacheMiss(string provider)
    {
        if (_cacheMisses.Enabled)
        {
            _cacheMisses.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        }
    }

    public void RecordRefreshAhead(string provider) =>
        _refreshesAhead.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));

    public void RecordUnauthorizedRetry(string provider) =>
        _unauthorizedRetries.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));

    /// <summary>Counts and times one token request; <paramref name="tags"/> are provider, grant, outcome and the semantic-convention tags.</summary>
    public void RecordTokenRequest(in TagList tags, TimeSpan duration)
    {
        if (_tokenRequests.Enabled)
        {
            _tokenRequests.Add(1, tags);
        }

        if (_tokenRequestDuration.Enabled)
        {
            _tokenRequestDuration.Record(duration.TotalSeconds, tags);
        }
    }
}
