using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>The DPoP part of the handler (RFC 9449 section 7): a proof per send for a DPoP-bound token, and the API's nonces.</summary>
public sealed partial class TokenHandler
{
    /// <summary>Puts a new proof for this send on <paramref name="request"/>: its method and address, the token's hash, the origin's nonce.</summary>
    private static void AttachProof(HttpRequestMessage request, AccessToken token, ProofOfPossessionKey key)
    {
        request.Headers.Remove(DPoPProofKey.HeaderName);
        if (request.RequestUri is { IsAbsoluteUri: true } target)
        {
            request.Headers.TryAddWithoutValidation(DPoPProofKey.HeaderName, key.CreateProof(request.Method.Method, target, token));
        }
    }

    /// <summary>
    /// Removes the proof once its send is over, and remembers the nonce the answering origin handed out. A redirect takes
    /// the proof off before the next hop: a response from where it led never saw the proof, and its nonce is not kept
    /// (origins a redirect names would otherwise crowd the API's nonce out of the bounded table).
    /// </summary>
    private static void EndProof(HttpRequestMessage request, AccessToken token, HttpResponseMessage? response)
    {
        if (request.Headers.Remove(DPoPProofKey.HeaderName) && response is not null)
        {
            token.ProofKey!.RememberNonce(request.RequestUri, response);
        }
    }

    /// <summary>Sends <paramref name="request"/> once more with <paramref name="token"/> (and a new proof), and takes both off again.</summary>
    private async Task<HttpResponseMessage> SendOnceMoreAsync(HttpRequestMessage request, AccessToken token, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await SendWithToken(request, token, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            request.Headers.Authorization = null;
            if (token.ProofKey is not null)
            {
                EndProof(request, token, response);
            }
        }
    }

    /// <summary>The API asked for a nonce and handed one out: the same token goes once more, with a proof that carries it.</summary>
    private async Task<HttpResponseMessage> ResendWithNonceAsync(HttpRequestMessage request, AccessToken token, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!_allowedOrigins.Allows(request.RequestUri))
        {
            return response;
        }

        Log.DPoPNonceRetry(_logger, _provider.Name, "API");
        response.Dispose();

        // Resent once; a second demand goes back to the caller.
        return await SendOnceMoreAsync(request, token, cancellationToken).ConfigureAwait(false);
    }
}
