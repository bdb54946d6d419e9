namespace TokenClients.Internal;

/// <summary>
/// The key a DPoP-bound access token (RFC 9449) is bound to: it signs the proof that goes with every request carrying
/// the token, and remembers the nonces servers hand out. The concrete key lives with the protocol
/// (<c>Protocol/DPoP/DPoPProofKey</c>); tokens only carry a reference to it. Never prints key material.
/// </summary>
internal abstract class ProofOfPossessionKey
{
    /// <summary>Gets the key's JWK SHA-256 thumbprint (RFC 7638), base64url: what the server binds the token to (<c>cnf.jkt</c>).</summary>
    public abstract string Thumbprint { get; }

    /// <summary>Returns a new proof for <paramref name="method"/> on <paramref name="target"/>, with the nonce known for its origin.</summary>
    /// <param name="method">The HTTP method (<c>htm</c>).</param>
    /// <param name="target">The request's address; its query and fragment are left out (<c>htu</c>).</param>
    /// <param name="token">The access token the request carries (its hash is <c>ath</c>), or <see langword="null"/> at the token endpoint.</param>
    /// <returns>The proof, a compact JWS for the <c>DPoP</c> header.</returns>
    public abstract string CreateProof(string method, Uri target, AccessToken? token);

    /// <summary>Remembers the nonce <paramref name="response"/> hands out (its <c>DPoP-Nonce</c> header) for the origin it answered for.</summary>
    /// <param name="target">The address the response answered.</param>
    /// <param name="response">The response.</param>
    /// <returns>Whether a new nonce was remembered.</returns>
    public abstract bool RememberNonce(Uri? target, HttpResponseMessage response);

    /// <inheritdoc/>
    public override string ToString() => "DPoP key " + Thumbprint;
}

/// <summary>A token client that binds its tokens to a proof-of-possession key.</summary>
internal interface IProofOfPossessionClient
{
    /// <summary>Gets the key the client's DPoP-bound tokens are bound to, or <see langword="null"/> when it asks for none.</summary>
    ProofOfPossessionKey? ProofKey { get; }
}
