using Duende.IdentityModel.Client;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Mutual TLS (RFC 8705): the endpoint aliases a client with a certificate uses, and the certificate in the shared-cache fingerprint.</summary>
internal abstract partial class OAuth2TokenClient<TOptions>
{
    /// <summary>
    /// The endpoint of the discovery document to use: its <c>mtls_endpoint_aliases</c> entry (RFC 8705 section 5) when the
    /// client presents a certificate and the server names one, else the plain endpoint.
    /// </summary>
    /// <exception cref="TokenRequestException">The alias is not an absolute https (or loopback) URL.</exception>
    protected string? MutualTlsAlias(DiscoveryDocumentResponse document, Func<MtlsEndpointAliases, string?> alias, Func<DiscoveryDocumentResponse, string?> plain)
    {
        if (!Options.ClientCertificate.IsSet || document.MtlsEndpointAliases is not { } aliases || alias(aliases) is not { Length: > 0 } address)
        {
            return plain(document);
        }

        return Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)) ? uri.AbsoluteUri
            : throw new TokenRequestException(ProviderName, null, null, null,
                $"The discovery document of '{Options.Authority}' names an mtls_endpoint_aliases entry that is not an absolute https URL");
    }

    private string CertificateThumbprint()
    {
        if (Options.ClientCertificate.Certificate is { } given)
        {
            return ClientCertificateSource.ThumbprintOf(given);
        }

        using var loaded = ClientCertificateSource.Load(Options.ClientCertificate);
        return ClientCertificateSource.ThumbprintOf(loaded);
    }
}
