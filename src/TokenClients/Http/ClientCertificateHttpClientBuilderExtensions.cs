using TokenClients.Internal;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Makes an HttpClient present a token provider's client certificate (mutual TLS, RFC 8705).</summary>
public static class ClientCertificateHttpClientBuilderExtensions
{
    /// <summary>
    /// Makes every connection of this client present the client certificate of <paramref name="providerName"/>
    /// (<see cref="TokenClients.OAuth2ClientOptions.ClientCertificate"/>): what an API needs to accept the provider's
    /// certificate-bound access tokens (RFC 8705 section 3). The client's primary handler (a
    /// <see cref="System.Net.Http.SocketsHttpHandler"/> or <see cref="System.Net.Http.HttpClientHandler"/>, the default one
    /// or your own, set in any order) gains the certificate after all of the client's configuration ran.
    /// </summary>
    /// <remarks>
    /// A client that attaches a bound token with <c>AddTokenHandler</c> but does not present its certificate never sends
    /// it: the request fails with a <see cref="TokenClients.CertificateBindingException"/>.
    /// </remarks>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="providerName">The provider whose certificate the client presents.</param>
    /// <returns>The HttpClient builder.</returns>
    /// <exception cref="InvalidOperationException">When the client is created: the provider has no client certificate.</exception>
    public static IHttpClientBuilder UseClientCertificate(this IHttpClientBuilder builder, string providerName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        builder.Services.Configure<ClientCertificateRegistration>(builder.Name, r =>
        {
            r.ProviderName = providerName;
            r.Required = true;
        });
        ClientCertificateBuilderFilter.AddTo(builder.Services);
        return builder;
    }
}
