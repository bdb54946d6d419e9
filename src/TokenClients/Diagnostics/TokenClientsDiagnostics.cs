using System.Diagnostics;
using System.Reflection;
using static TokenClients.TokenClientsTelemetry;

namespace TokenClients.Diagnostics;

/// <summary>
/// The <see cref="ActivitySource"/> named <c>TokenClients</c> and the span of one token request, whose count and duration
/// go to a <see cref="TokenClientsMetrics"/>; the names of spans, instruments and tags are documented on
/// <see cref="TokenClientsTelemetry"/>. Tags never carry a secret.
/// </summary>
internal static class TokenClientsDiagnostics
{
    /// <summary>The package version, without build metadata: the version of the ActivitySource and of the Meter.</summary>
    public static readonly string Version = VersionOf(typeof(TokenClientsDiagnostics).Assembly);

    public static readonly ActivitySource ActivitySource = new(Name, Version);

    /// <summary>The OpenTelemetry semantic-convention tag of the token endpoint's host, on spans and metrics.</summary>
    internal const string ServerAddressTag = "server.address";

    /// <summary>The OpenTelemetry semantic-convention tag of the token endpoint's port, on spans and metrics.</summary>
    internal const string ServerPortTag = "server.port";

    /// <summary>The OpenTelemetry semantic-convention tag of a failure's exception type, on spans and metrics.</summary>
    internal const string ErrorTypeTag = "error.type";

    /// <summary>
    /// Runs one token endpoint request inside a span and records its count and duration with the outcome. A
    /// <see cref="TokenRequestScope"/> flows into <paramref name="send"/>, so the token client can name its grant and the
    /// token endpoint's HttpClient can count attempts, whether or not a span is recorded.
    /// </summary>
    public static async Task<TokenSet> TraceTokenRequestAsync(TokenClientsMetrics metrics, string provider, string grant, TimeProvider time, Func<Task<TokenSet>> send)
    {
        var started = time.GetTimestamp();
        var scope = new TokenRequestScope(grant);
        TokenRequestScope.Enter(scope);
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
            SafeComplete(metrics, activity, provider, scope, OutcomeOf(exception), time.GetElapsedTime(started), exception);
            throw;
        }

        SafeComplete(metrics, activity, provider, scope, "success", time.GetElapsedTime(started), null);
        return tokens;
    }

    /// <summary>Runs <paramref name="read"/> (discovery, its key set) outside the current token request: its HTTP requests are not attempts.</summary>
    public static async Task<T> OutsideTokenRequestAsync<T>(Func<Task<T>> read)
    {
        TokenRequestScope.Enter(null);
        return await read().ConfigureAwait(false);
    }

    /// <summary>Names the grant the token client sends (<c>client_credentials</c>, <c>password</c>, …) on the current token request.</summary>
    public static void RecordGrant(string grant)
    {
        if (TokenRequestScope.Current is { } scope)
        {
            scope.Grant = grant;
        }
    }

    /// <summary>Counts one HTTP attempt of the current token request and notes the client kind and the endpoint's host and port.</summary>
    public static void RecordAttempt(string? kind, Uri? endpoint) => TokenRequestScope.Current?.Attempt(kind, endpoint);

    internal static string OutcomeOf(Exception exception) => exception switch
    {
        InteractionRequiredException => "interaction_required",
        OperationCanceledException => "cancelled",
        TokenRequestException { Error: not null } => "rejected",
        TokenRequestException { StatusCode: { } status } when (int)status is >= 400 and < 500 => "rejected",
        _ => "error",
    };

    internal static string VersionOf(Assembly assembly)
    {
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var metadata = version.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? version : version[..metadata];
    }

    /// <summary>Records a token request's end; a listener that throws must not lose the token set it is about (a rotated refresh token).</summary>
    private static void SafeComplete(TokenClientsMetrics metrics, Activity? activity, string provider, TokenRequestScope scope, string outcome, TimeSpan duration, Exception? exception)
    {
        try
        {
            try
            {
                Complete(metrics, activity, provider, scope, outcome, duration, exception);
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

    private static void Complete(TokenClientsMetrics metrics, Activity? activity, string provider, TokenRequestScope scope, string outcome, TimeSpan duration, Exception? exception)
    {
        // The exception's type only: messages quote the server and stay out of telemetry.
        var errorType = exception?.GetType().FullName;
        var tags = new TagList
        {
            { ProviderTag, provider },
            { GrantTag, scope.Grant },
            { OutcomeTag, outcome },
        };
        if (scope.ServerAddress is { } address)
        {
            tags.Add(ServerAddressTag, address);
            tags.Add(ServerPortTag, scope.ServerPort);
        }

        if (errorType is not null)
        {
            tags.Add(ErrorTypeTag, errorType);
        }

        metrics.RecordTokenRequest(tags, duration);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(GrantTag, scope.Grant);
        activity.SetTag(OutcomeTag, outcome);
        activity.SetTag(AttemptsTag, scope.Attempts);
        if (scope.Kind is { } kind)
        {
            activity.SetTag(KindTag, kind);
        }

        if (scope.ServerAddress is { } server)
        {
            activity.SetTag(ServerAddressTag, server);
            activity.SetTag(ServerPortTag, scope.ServerPort);
        }

        if (exception is not null)
        {
            activity.SetTag(ErrorTypeTag, errorType);
            var error = (exception as TokenRequestException)?.Error;
            activity.SetTag(ErrorTag, error);
            activity.SetStatus(ActivityStatusCode.Error, error ?? outcome);
        }
    }
}
