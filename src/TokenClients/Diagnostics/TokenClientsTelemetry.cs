namespace TokenClients;

/// <summary>
/// The names TokenClients publishes traces and metrics under, for OpenTelemetry setup
/// (<c>.AddSource(TokenClientsTelemetry.Name)</c>, <c>.AddMeter(TokenClientsTelemetry.Name)</c>) and for listeners.
/// No tag ever carries a secret: no token, code, password, client secret, header or body.
/// </summary>
/// <remarks>
/// <para>Traces: one <see cref="TokenRequestActivity"/> span per request to a token endpoint (a new token set or a
/// refresh), tagged with <see cref="ProviderTag"/>, <see cref="KindTag"/>, <see cref="GrantTag"/>,
/// <see cref="OutcomeTag"/>, <see cref="AttemptsTag"/> (HTTP attempts to the token endpoint, resilience retries included,
/// discovery not) and the endpoint's <c>server.address</c> and <c>server.port</c>, plus <see cref="ErrorTag"/> and
/// <c>error.type</c> on failure.</para>
/// <para>The source and the meter carry the package version. The meter comes from the container's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>; without one, from a process-wide meter of the same name.</para>
/// <para>Metrics (meter <see cref="Name"/>):</para>
/// <list type="table">
/// <listheader><term>instrument</term><description>kind, unit, tags</description></listheader>
/// <item><term><see cref="TokenRequestsInstrument"/></term><description>counter, <c>{request}</c>: token endpoint requests by provider, grant, outcome, <c>server.address</c>, <c>server.port</c> and, on failure, <c>error.type</c>.</description></item>
/// <item><term><see cref="TokenRequestDurationInstrument"/></term><description>histogram, <c>s</c>: how long each token endpoint request took, retries included, with the same tags; bucket advice 0.005 s to 60 s.</description></item>
/// <item><term><see cref="CacheHitsInstrument"/></term><description>counter, <c>{hit}</c>: tokens served from the cache, by provider.</description></item>
/// <item><term><see cref="CacheMissesInstrument"/></term><description>counter, <c>{miss}</c>: token reads that had to wait for the token endpoint, by provider.</description></item>
/// <item><term><see cref="RefreshAheadInstrument"/></term><description>counter, <c>{refresh}</c>: background refreshes started inside the refresh window, by provider.</description></item>
/// <item><term><see cref="UnauthorizedRetriesInstrument"/></term><description>counter, <c>{retry}</c>: API requests resent with a new token after a 401, by provider.</description></item>
/// </list>
/// </remarks>
public static class TokenClientsTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the <see cref="System.Diagnostics.Metrics.Meter"/>: <c>TokenClients</c>.</summary>
    public const string Name = "TokenClients";

    /// <summary>The operation name of the span of one token endpoint request.</summary>
    public const string TokenRequestActivity = "TokenClients.TokenRequest";

    /// <summary>Counter of token endpoint requests, tagged provider, grant and outcome.</summary>
    public const string TokenRequestsInstrument = "tokenclients.token.requests";

    /// <summary>Histogram of token endpoint request durations in seconds, tagged provider, grant and outcome.</summary>
    public const string TokenRequestDurationInstrument = "tokenclients.token.request.duration";

    /// <summary>Counter of tokens served from the cache, tagged provider.</summary>
    public const string CacheHitsInstrument = "tokenclients.cache.hits";

    /// <summary>Counter of token reads the cache could not serve, tagged provider.</summary>
    public const string CacheMissesInstrument = "tokenclients.cache.misses";

    /// <summary>Counter of refreshes started ahead of expiry, tagged provider.</summary>
    public const string RefreshAheadInstrument = "tokenclients.token.refresh_ahead";

    /// <summary>Counter of API requests resent after a 401, tagged provider.</summary>
    public const string UnauthorizedRetriesInstrument = "tokenclients.handler.unauthorized_retries";

    /// <summary>The provider name tag.</summary>
    public const string ProviderTag = "tokenclients.provider";

    /// <summary>The token client kind tag (<c>Mluvii</c>, <c>Oli</c>, <c>ClientCredentials</c>, …), on spans.</summary>
    public const string KindTag = "tokenclients.kind";

    /// <summary>
    /// The grant tag: the <c>grant_type</c> the token client sent (<c>client_credentials</c>, <c>password</c>,
    /// <c>refresh_token</c>, <c>authorization_code</c>, a custom grant), or <c>request</c> for a new token set from a
    /// client that does not name its grant.
    /// </summary>
    public const string GrantTag = "tokenclients.grant";

    /// <summary>
    /// The outcome tag: <c>success</c>, <c>rejected</c> (the endpoint refused: an OAuth error or a 4xx),
    /// <c>interaction_required</c>, <c>cancelled</c> or <c>error</c> (unreachable, unusable answer, anything else).
    /// </summary>
    public const string OutcomeTag = "tokenclients.outcome";

    /// <summary>The number of HTTP attempts a token request took, on spans.</summary>
    public const string AttemptsTag = "tokenclients.attempts";

    /// <summary>The OAuth <c>error</c> code of a refused request, on spans.</summary>
    public const string ErrorTag = "tokenclients.error";
}
