using TokenClients.Diagnostics;

namespace TokenClients;

/// <summary>Certificate-bound tokens (RFC 8705 section 3): sent only on a client that presents the certificate.</summary>
public sealed partial class TokenHandler
{
    /// <summary>The last token found sendable: a warm client checks each token once.</summary>
    private volatile AccessToken? _sendable;

    /// <summary>Gets the provider's client certificate, whose tokens are bound to it when its options say so; set by <c>AddTokenHandler</c>.</summary>
    internal Internal.ClientCertificateSource? Certificates { get; init; }

    /// <summary>Why <paramref name="token"/>, bound to a certificate this client does not present, must not be sent; <see langword="null"/> when it may.</summary>
    private CertificateBindingException? Unsendable(AccessToken token)
    {
        var bound = Internal.ClientCertificateSource.BoundThumbprintOf(token.Value) ?? (Certificates is { BoundAccessTokens: true } source ? source.Thumbprint : null);
        var presented = bound is null || InnerHandler is not { } inner ? null : Internal.ClientCertificateBuilderFilter.Presented(inner);
        if (bound is null || (presented is not null && presented.Any(c => string.Equals(Internal.ClientCertificateSource.ThumbprintOf(c), bound, StringComparison.Ordinal))))
        {
            _sendable = token;
            return null;
        }

        Log.BoundTokenWithheld(_logger, _provider.Name);
        return CertificateBindingException.NotPresented(_provider.Name, presented is null
            ? $"the HttpClient's primary handler ({(InnerHandler is { } handler ? Internal.ClientCertificateBuilderFilter.Innermost(handler).GetType().Name : "none")}) is not one whose certificates can be seen"
            : "the HttpClient does not present it");
    }
}
