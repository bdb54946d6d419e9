using System.Net;

namespace TokenClients;

/// <summary>
/// Redirects of a client whose provider uses DPoP. The framework's redirect (inside the primary handler) drops the
/// <c>Authorization</c> header but keeps every other header, the <c>DPoP</c> proof included, whatever origin the
/// <c>Location</c> names. For such a client <c>AddTokenHandler</c> turns the primary handler's own redirects off and
/// the handler follows them here, by the framework's rules, with neither the token nor the proof on any hop.
/// </summary>
public sealed partial class TokenHandler
{
    /// <summary>
    /// Gets how many redirects this handler follows itself (the primary handler's <c>MaxAutomaticRedirections</c>, whose
    /// own redirects were turned off); 0 leaves redirects to the primary handler.
    /// </summary>
    internal int FollowRedirects { get; init; }

    private async Task<HttpResponseMessage> SendFollowingRedirectsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        for (var hop = 0; hop < FollowRedirects && NextHop(request, response) is { } next; hop++)
        {
            // As the framework does (RFC 9110 section 15.4): a 303, and a 301 or 302 to a POST, go on as a GET without content.
            var status = response.StatusCode;
            if ((status == HttpStatusCode.SeeOther && request.Method != HttpMethod.Head)
                || (status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found && request.Method == HttpMethod.Post))
            {
                request.Method = HttpMethod.Get;
                request.Content = null;
            }
            else if (!CanResend(request.Content))
            {
                break;
            }

            // No hop carries the token or its proof, to another origin or back to the same one (the framework's rule too).
            request.Headers.Authorization = null;
            request.Headers.Remove(Internal.DPoPProofKey.HeaderName);
            request.RequestUri = next;
            response.Dispose();
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        return response;
    }

    /// <summary>The address a redirect leads to, or <see langword="null"/> when the response is none the framework would follow.</summary>
    private static Uri? NextHop(HttpRequestMessage request, HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect) || response.Headers.Location is not { } location
            || request.RequestUri is not { IsAbsoluteUri: true } from)
        {
            return null;
        }

        var next = location.IsAbsoluteUri ? location : new Uri(from, location);

        // http and https only, and never from https down to http.
        return next.Scheme is not ("http" or "https") || (from.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp) ? null : next;
    }
}
