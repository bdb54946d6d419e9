namespace TokenClients;

/// <summary>How a client authenticates to the token endpoint.</summary>
public enum ClientAuthenticationMethod
{
    /// <summary>HTTP Basic with the form-encoded client id and secret (RFC 6749 section 2.3.1): <c>client_secret_basic</c>.</summary>
    ClientSecretBasic,

    /// <summary><c>client_id</c> and <c>client_secret</c> in the form body: <c>client_secret_post</c>.</summary>
    ClientSecretPost,

    /// <summary>Only <c>client_id</c> in the body, no secret (a public client).</summary>
    None,

    /// <summary>
    /// A JWT signed with the client's private key (RSA or EC) in <c>client_assertion</c> (RFC 7523 section 2.2, OpenID
    /// Connect Core section 9): <c>private_key_jwt</c>. The key is set in <see cref="OAuth2ClientOptions.ClientAssertion"/>.
    /// </summary>
    PrivateKeyJwt,

    /// <summary>
    /// A JWT signed with HMAC SHA-256 keyed by the client secret in <c>client_assertion</c> (OpenID Connect Core
    /// section 9): <c>client_secret_jwt</c>. The secret itself is never sent.
    /// </summary>
    ClientSecretJwt,
}
