using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TokenClients.Diagnostics;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>TokenClients</c>. Tags never carry a secret.</summary>
internal static class TokenClientsDiagnostics
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "TokenClients";

    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> Acquisitions = Meter.CreateCounter<long>(
        "tokenclients.token.acquisitions", unit: "{acquisition}", description: "Token acquisitions by provider and outcome.");

    private static readonly Histogram<double> AcquisitionDuration = Meter.CreateHistogram<double>(
        "tokenclients.token.acquisition.duration", unit: "s", description: "Time to obtain a token from the token endpoint.");

    private static readonly Counter<long> UnauthorizedRetries = Meter.CreateCounter<long>(
        "tokenclients.handler.unauthorized_retries", unit: "{retry}", description: "Requests resent with a new token after a 401.");

    public static Activity? StartTokenRequest(string provider, string grant)
    {
        var activity = ActivitySource.StartActivity("TokenClients.TokenRequest", ActivityKind.Internal);
        activity?.SetTag("tokenclients.provider", provider);
        activity?.SetTag("tokenclients.grant", grant);
        return activity;
    }

    public static void RecordAcquisition(string provider, string outcome, TimeSpan duration)
    {
        var providerTag = new KeyValuePair<string, object?>("tokenclients.provider", provider);
        var outcomeTag = new KeyValuePair<string, object?>("tokenclients.outcome", outcome);
        Acquisitions.Add(1, providerTag, outcomeTag);
        AcquisitionDuration.Record(duration.TotalSeconds, providerTag, outcomeTag);
    }

    public static void RecordUnauthorizedRetry(string provider) =>
        UnauthorizedRetries.Add(1, new KeyValuePair<string, object?>("tokenclients.provider", provider));
}
