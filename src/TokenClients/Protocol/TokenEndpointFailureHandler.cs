using System.Globalization;
using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly.Timeout;

namespace TokenClients;

/// <summary>
/// The outermost handler of a token endpoint HttpClient, outside the resilience pipeline: names which timeout ended a
/// request (attempt or total, with its value), and turns a 3xx answer into a <see cref="TokenEndpointRedirectException"/>
/// — token requests never follow redirects, which would carry the client's credentials to wherever the server points.
/// </summary>
/// <param name="resilience">The provider's resilience options, read when a timeout must be named.</param>
internal sealed class TokenEndpointFailureHandler(Func<HttpStandardResilienceOptions> resilience) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException exception) when (!cancellationToken.IsCancellationRequested)
        {
            var options = resilience();
            var which = exception.Timeout == options.TotalRequestTimeout.Timeout || exception.Timeout != options.AttemptTimeout.Timeout ? "total" : "attempt";
            throw new TokenEndpointTimeoutException(which, exception.Timeout, exception);
        }

        if ((int)response.StatusCode is >= 300 and < 400)
        {
            var location = response.Headers.Location is { } target && request.RequestUri is { } from ? new Uri(from, target) : response.Headers.Location;
            var status = response.StatusCode;
            response.Dispose();
            throw new TokenEndpointRedirectException(status, location is { IsAbsoluteUri: true } ? Origin(location) : null);
        }

        return response;
    }

    /// <summary>Only <c>scheme://host:port</c>: a redirect's path and query may carry anything.</summary>
    private static string Origin(Uri uri) => string.Create(CultureInfo.InvariantCulture, $"{uri.Scheme}://{uri.Host}:{uri.Port}");
}

/// <summary>A timeout of the token endpoint's resilience pipeline ended the request.</summary>
internal sealed class TokenEndpointTimeoutException : TimeoutException
{
    public TokenEndpointTimeoutException(string which, TimeSpan timeout, Exception innerException)
        : base($"The {which} timeout elapsed.", innerException) => (Which, Timeout) = (which, timeout);

    public TokenEndpointTimeoutException()
    {
    }

    public TokenEndpointTimeoutException(string message)
        : base(message)
    {
    }

    public TokenEndpointTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets which timeout elapsed: <c>attempt</c> or <c>total</c>.</summary>
    public string Which { get; } = "total";

    /// <summary>Gets the timeout's value.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>The token endpoint answered a redirect, which token requests do not follow.</summary>
internal sealed class TokenEndpointRedirectException : Exception
{
    public TokenEndpointRedirectException(HttpStatusCode statusCode, string? targetOrigin)
        : base("The token endpoint answered a redirect.") => (StatusCode, TargetOrigin) = (statusCode, targetOrigin);

    public TokenEndpointRedirectException()
    {
    }

    public TokenEndpointRedirectException(string message)
        : base(message)
    {
    }

    public TokenEndpointRedirectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the origin the redirect pointed to, or <see langword="null"/> when it named none.</summary>
    public string? TargetOrigin { get; }
}
