using System.Globalization;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace TokenClients.Internal;

/// <summary>Says, for a person, why a call to a token endpoint produced no usable answer. Never a secret: no URL, no body.</summary>
internal static class TokenEndpointFailure
{
    public const string Truncated = "The connection closed before the answer was complete";

    /// <summary>Describes <paramref name="exception"/>, with the HTTP status it carries when one came.</summary>
    public static (string Detail, HttpStatusCode? Status) Describe(Exception? exception, HttpStatusCode? status) => exception switch
    {
        TokenEndpointTimeoutException timeout => ($"The {timeout.Which} timeout ({Seconds(timeout.Timeout)}) elapsed before the token endpoint answered completely", status),
        TimeoutRejectedException timeout => ($"A timeout ({Seconds(timeout.Timeout)}) elapsed before the token endpoint answered completely", status),
        BrokenCircuitException => ("The circuit breaker of this token endpoint is open after repeated failures; nothing was sent", status),
        CredentialNotResentException notResent => (notResent.Message, status),
        ResponseTooLargeException tooLarge => ($"The token endpoint's answer is larger than {TokenClientsHttp.MaxResponseBytes} bytes", tooLarge.StatusCode ?? status),
        TokenEndpointRedirectException redirect => (
            $"The token endpoint answered a redirect to {redirect.TargetOrigin ?? "an unnamed location"}; token requests do not follow redirects",
            redirect.StatusCode ?? status),
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } ended => (Truncated, ended.StatusCode ?? status),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } =>
            ("The token endpoint could not be reached: the connection could not be established", status),
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } =>
            ("The token endpoint could not be reached: the TLS handshake failed", status),
        null => ("The token endpoint could not be reached (no answer)", status),
        _ => ($"The token endpoint could not be reached ({exception.GetType().Name})", status),
    };

    /// <summary>Creates the exception for a failed call of <paramref name="providerName"/>'s token endpoint.</summary>
    public static TokenRequestException ToException(string providerName, Exception? exception, HttpStatusCode? status = null)
    {
        var (detail, code) = Describe(exception, status);
        return new TokenRequestException(providerName, code, null, null, detail, exception);
    }

    /// <summary>A duration in seconds, for messages: <c>0.3 s</c>, <c>20 s</c>.</summary>
    public static string Seconds(TimeSpan value) => string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s");

    /// <summary>The first letter in lower case, to nest a sentence in another.</summary>
    public static string Nested(string detail) => detail.Length == 0 ? detail : char.ToLowerInvariant(detail[0]) + detail[1..];
}
