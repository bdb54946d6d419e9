namespace TokenClients;

/// <summary>
/// An access token bound to a client certificate (RFC 8705 section 3, <c>cnf</c> <c>x5t#S256</c>) was about to go out on
/// an HttpClient that does not present that certificate. The request was not sent: the API would refuse the token, or
/// see a request that is not the certificate holder's. Call <c>UseClientCertificate</c> with the provider's name on the
/// client's registration.
/// </summary>
public sealed class CertificateBindingException : TokenRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CertificateBindingException"/> class.</summary>
    public CertificateBindingException()
        : this("The access token is bound to a client certificate this HttpClient does not present.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CertificateBindingException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    public CertificateBindingException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CertificateBindingException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public CertificateBindingException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private CertificateBindingException(string providerName, string detail)
        : base(providerName, null, null, null, detail)
    {
    }

    /// <summary>A token of <paramref name="providerName"/> bound to a certificate the client does not present.</summary>
    internal static CertificateBindingException NotPresented(string providerName, string why) => new(providerName,
        $"The access token is bound to the provider's client certificate (RFC 8705), but {why}; the request was not sent. "
        + $"Present the certificate with UseClientCertificate(\"{providerName}\") on the HttpClient's registration");
}
