namespace TokenClients;

/// <summary>
/// A sign-in callback's <c>iss</c> (RFC 9207) is not the issuer of the provider the sign-in was started with (a mix-up
/// attack: another authorization server's response was sent here), or is missing although the server says it sends
/// one. The code is not redeemed and the sign-in is used up. The message never quotes the callback's value.
/// </summary>
public sealed class AuthorizationResponseIssuerException : TokenRequestException
{
    /// <summary>Initializes a new instance of the <see cref="AuthorizationResponseIssuerException"/> class.</summary>
    public AuthorizationResponseIssuerException()
        : this("The callback's iss is not the authorization server's issuer.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AuthorizationResponseIssuerException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    public AuthorizationResponseIssuerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AuthorizationResponseIssuerException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public AuthorizationResponseIssuerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private AuthorizationResponseIssuerException(string providerName, bool missing, string detail)
        : base(providerName, null, null, null, detail)
    {
        IsMissing = missing;
    }

    /// <summary>Gets a value indicating whether the callback carried no <c>iss</c> at all (rather than another issuer's).</summary>
    public bool IsMissing { get; }

    /// <summary>The callback of <paramref name="providerName"/> carried no <c>iss</c> although the server advertises it.</summary>
    internal static AuthorizationResponseIssuerException Missing(string providerName, string issuer) => new(providerName, missing: true,
        $"The callback carries no iss, but the authorization server '{issuer}' sends one in every authorization response (RFC 9207); the sign-in was discarded and its code not redeemed");

    /// <summary>The callback of <paramref name="providerName"/> carried another issuer's <c>iss</c>.</summary>
    internal static AuthorizationResponseIssuerException Mismatch(string providerName, string issuer) => new(providerName, missing: false,
        $"The callback's iss is not '{issuer}', the issuer this sign-in was started with (RFC 9207; possibly a mix-up attack); the sign-in was discarded and its code not redeemed");
}
