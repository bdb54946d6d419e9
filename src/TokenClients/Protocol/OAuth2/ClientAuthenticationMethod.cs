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
}
