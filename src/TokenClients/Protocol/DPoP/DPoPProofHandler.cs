using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>
/// Sits inside the resilience pipeline of a token endpoint HttpClient, inside the one-time-credential guard and outside
/// the client assertion: a request marked with a <see cref="DPoPProofKey"/> gets a new <c>DPoP</c> proof for each send
/// (a resent attempt never repeats a <c>jti</c>), the nonces the endpoint hands out are remembered, and a
/// <c>use_dpop_nonce</c> answer is followed by one more send with the new nonce. A second demand goes back to the token
/// client, which fails the request with a <see cref="TokenRequestException"/>: no loop.
/// </summary>
/// <param name="providerName">The provider, for the log.</param>
/// <param name="logger">The token client logger.</param>
internal sealed class DPoPProofHandler(string providerName, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(DPoPProofKey.RequestKey, out var key))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var response = await SendWithProofAsync(request, key, cancellationToken).ConfigureAwait(false);
        if (!await AsksForNonceAsync(response, cancellationToken).ConfigureAwait(false))
        {
            return response;
        }

        // RFC 9449 section 8: the server refused the proof for want of a nonce, before it looked at the grant (oidc-provider
        // checks the proof before it finds, let alone consumes, a code or refresh token). Resending the request, one-time
        // credential included, with the nonce it just gave is what the RFC asks for; this happens inside one attempt, so the
        // one-time-credential guard outside sees a single delivery.
        Log.DPoPNonceRetry(logger, providerName, "token endpoint");
        response.Dispose();
        return await SendWithProofAsync(request, key, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendWithProofAsync(HttpRequestMessage request, DPoPProofKey key, CancellationToken cancellationToken)
    {
        request.Headers.Remove(DPoPProofKey.HeaderName);
        request.Headers.TryAddWithoutValidation(DPoPProofKey.HeaderName, key.CreateProof(request.Method.Method, request.RequestUri!, null));
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            key.RememberNonce(request.RequestUri, response);
            return response;
        }
        finally
        {
            // The proof belongs to this send only.
            request.Headers.Remove(DPoPProofKey.HeaderName);
        }
    }

    /// <summary>A 400 (or 401) with a <c>DPoP-Nonce</c> header and the error <c>use_dpop_nonce</c>, in the body or the challenge.</summary>
    private static async ValueTask<bool> AsksForNonceAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode is not (HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized) || !response.Headers.Contains(DPoPProofKey.NonceHeaderName))
        {
            return false;
        }

        if (DPoPChallenge.AsksForNonce(response))
        {
            return true;
        }

        try
        {
            // The body is already buffered (and capped) by the handler inside this one.
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.String && error.ValueEquals("use_dpop_nonce");
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
