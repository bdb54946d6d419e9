namespace TokenClients.Internal;

/// <summary>Reads a server's DPoP challenge (RFC 9449 section 7.1): <c>WWW-Authenticate: DPoP error="use_dpop_nonce"</c>.</summary>
internal static class DPoPChallenge
{
    /// <summary>Whether <paramref name="response"/> asks for a proof with a nonce and hands one out (<c>DPoP-Nonce</c>).</summary>
    public static bool AsksForNonce(HttpResponseMessage response)
    {
        if (!response.Headers.Contains(DPoPProofKey.NonceHeaderName))
        {
            return false;
        }

        foreach (var challenge in response.Headers.WwwAuthenticate)
        {
            if (string.Equals(challenge.Scheme, "DPoP", StringComparison.OrdinalIgnoreCase) && challenge.Parameter is { } parameter
                && (parameter.Contains("error=\"use_dpop_nonce\"", StringComparison.OrdinalIgnoreCase) || parameter.Contains("error=use_dpop_nonce", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}
