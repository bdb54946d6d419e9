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

    /// <summary>
    /// Mutual TLS with a certificate the server trusts through its PKI (RFC 8705 section 2.1): <c>tls_client_auth</c>. The
    /// token endpoint's HttpClient presents <see cref="OAuth2ClientOptions.ClientCertificate"/>; only <c>client_id</c> goes
    /// in the body. The server's <c>mtls_endpoint_aliases</c> are used when its discovery document has them.
    /// </summary>
    TlsClientAuth,

    /// <summary>
    /// Mutual TLS with a self-signed certificate registered with the server (RFC 8705 section 2.2):
    /// <c>self_signed_tls_client_auth</c>. Sent like <see cref="TlsClientAuth"/>.
    /// </summary>
    SelfSignedTlsClientAuth,
}
