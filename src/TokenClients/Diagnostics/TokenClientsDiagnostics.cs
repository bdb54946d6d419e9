using System.Diagnostics;
using System.Diagnostics.Metrics;
using static TokenClients.TokenClientsTelemetry;

namespace TokenClients.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>TokenClients</c>; the names of spans, instruments
/// and tags are documented on <see cref="TokenClientsTelemetry"/>. Tags never carry a secret.
/// </summary>
internal static class TokenClientsDiagnostics
{
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> TokenRequests = Meter.CreateCounter<long>(
        TokenRequestsInstrument, unit: "{request}", description: "Token endpoint requests by provider, grant and outcome.");

    private static readonly Histogram<double> TokenRequestDuration = Meter.CreateHistogram<double>(
        TokenRequestDurationInstrument, unit: "s", description: "Duration of token endpoint requests, retries included.");

    private static readonly Counter<long> CacheHits = Meter.CreateCounter<long>(
        CacheHitsInstrument, unit: "{hit}", description: "Tokens served from the cache.");

    private static readonly Counter<long> CacheMisses = Meter.CreateCounter<long>(
        CacheMissesInstrument, unit: "{miss}", description: "Token reads that waited for the token endpoint.");

    private static readonly Counter<long> RefreshesAhead = Meter.CreateCounter<long>(
        RefreshAheadInstrument, unit: "{refresh}", description: "Background refreshes started ahead of expiry.");

    private static readonly Counter<long> UnauthorizedRetries = Meter.CreateCounter<long>(
        UnauthorizedRetriesInstrument, unit: "{retry}", description: "API requests resent with a new token after a 401.");

    /// <summary>
    /// Runs one token endpoint request inside a span and records its count and duration with the outcome.
    /// The span is current while <paramref name="send"/> runs, so the token endpoint's HttpClient can count attempts on it.
    /// </summary>
    public static async Task<TokenSet> TraceTokenRequestAsync(string provider, string grant, TimeProvider time, Func<Task<TokenSet>> send)
    {
        var started = time.GetTimestamp();
        var activity = ActivitySource.StartActivity(TokenRequestActivity, ActivityKind.Internal);
        activity?.SetTag(ProviderTag, provider);
        activity?.SetTag(GrantTag, grant);
        TokenSet tokens;
        try
        {
            tokens = await send().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            SafeComplete(activity, provider, grant, OutcomeOf(exception), time.GetElapsedTime(started), exception);
            throw;
        }

        SafeComplete(activity, provider, grant, "success", time.GetElapsedTime(started), null);
        return tokens;
    }

    /// <summary>Records a token request's end; a listener that throws must not lose the token set it is about (a rotated refresh token).</summary>
    private static void SafeComplete(Activity? activity, string provider, string grant, string outcome, TimeSpan duration, Exception? exception)
    {
        try
        {
            try
            {
                Complete(activity, provider, grant, outcome, duration, exception);
            }
            finally
            {
                // The span ends even when a metric listener threw: Activity.Current must not stay on it.
                activity?.Dispose();
            }
        }
#pragma warning disable CA1031 // A telemetry listener's failure is not the caller's.
        catch (Exception)
#pragma warning restore CA1031
        {
            // Nothing to report it to: telemetry is what failed.
        }
    }

    /// <summary>Counts one HTTP attempt of the current token request's span and names its client kind.</summary>
    public static void RecordAttempt(string? kind)
    {
        for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
        {
            if (ReferenceEquals(activity.Source, ActivitySource) && activity.OperationName == TokenRequestActivity)
            {
                activity.SetTag(AttemptsTag, (activity.GetTagItem(AttemptsTag) as int? ?? 0) + 1);
                if (kind is not null)
                {
                    activity.SetTag(KindTag, kind);
                }

                return;
            }
        }
    }

    public static void RecordCacheHit(string provider)
    {
        if (CacheHits.Enabled)
        {
            CacheHits.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        }
    }

    public static void RecordCacheMiss(string provider)
    {
        if (CacheMisses.Enabled)
        {
            CacheMisses.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));
        }
    }

    public static void RecordRefreshAhead(string provider) =>
        RefreshesAhead.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));

    public static void RecordUnauthorizedRetry(string provider) =>
        UnauthorizedRetries.Add(1, new KeyValuePair<string, object?>(ProviderTag, provider));

    internal static string OutcomeOf(Exception exception) => exception switch
    {
        InteractionRequiredException => "interaction_required",
        OperationCanceledException => "cancelled",
        TokenRequestException { Error: not null } => "rejected",
        TokenRequestException { StatusCode: { } status } when (int)status is >= 400 and < 500 => "rejected",
        _ => "error",
    };

    private static void Complete(Activity? activity, string provider, string grant, string outcome, TimeSpan duration, Exception? exception)
    {
        var providerTag = new KeyValuePair<string, object?>(ProviderTag, provider);
        var grantTag = new KeyValuePair<string, object?>(GrantTag, grant);
        var outcomeTag = new KeyValuePair<string, object?>(OutcomeTag, outcome);
        TokenRequests.Add(1, providerTag, grantTag, outcomeTag);
        TokenRequestDuration.Record(duration.TotalSeconds, providerTag, grantTag, outcomeTag);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, outcome);
        if (exception is not null)
        {
            // The exception's type and the OAuth error code only: messages quote the server and stay out of traces.
            activity.SetTag("error.type", exception.GetType().FullName);
            var error = (exception as TokenRequestException)?.Error;
            activity.SetTag(ErrorTag, error);
            activity.SetStatus(ActivityStatusCode.Error, error ?? outcome);
        }
    }
}
