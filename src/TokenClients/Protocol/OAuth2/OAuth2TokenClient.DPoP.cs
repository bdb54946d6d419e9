using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>DPoP (RFC 9449) in the standard grants: the provider's key, and the binding of the tokens it obtains.</summary>
internal abstract partial class OAuth2TokenClient<TOptions>
{
    /// <inheritdoc/>
    public ProofOfPossessionKey? ProofKey => _dpop;

    /// <summary>Binds a DPoP token to <paramref name="key"/>; a bearer answer stays a bearer token.</summary>
    private TokenSet BindToKey(TokenSet tokens, DPoPProofKey key)
    {
        if (string.Equals(tokens.TokenType, "DPoP", StringComparison.OrdinalIgnoreCase))
        {
            return tokens.BoundTo(key);
        }

        // A server that does not bind the token answers Bearer (RFC 9449 section 5): the token is a plain bearer token,
        // attached without proofs. Said once per token, as a warning: the operator expected sender-constrained tokens.
        Log.DPoPTokenIssuedAsBearer(Logger, ProviderName);
        return tokens;
    }
}
