using System.Net;
using Duende.IdentityModel.Client;

namespace TokenClients.OAuth2;

/// <summary>Token revocation (RFC 7009), with the client authentication of the token requests.</summary>
internal abstract partial class OAuth2TokenClient<TOptions>
{
    /// <summary>
    /// Revokes <paramref name="token"/> at <paramref name="endpoint"/>, or at the discovered <c>revocation_endpoint</c>:
    /// <see langword="true"/> when the server accepted it, <see langword="false"/> when there is no revocation endpoint.
    /// </summary>
    /// <exception cref="TokenRequestException">The endpoint could not be reached or refused the request.</exception>
    protected async Task<bool> RevokeAsync(Uri? endpoint, string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var address = endpoint?.AbsoluteUri ?? (_discovery is null ? null : MutualTlsAlias(await DiscoverAsync().ConfigureAwait(false), static a => a.RevocationEndpoint, static d => d.RevocationEndpoint));
        if (address is null)
        {
            return false;
        }

        using var request = new TokenRevocationRequest { Address = address, Token = token, TokenTypeHint = tokenTypeHint };
        await AuthenticateAsync(request, elsewhere: true).ConfigureAwait(false);
        TokenRevocationResponse response;
        try
        {
            response = await CreateHttpClient().RevokeTokenAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(exception);
        }

        if (!response.IsError)
        {
            return true;
        }

        HttpStatusCode? status = response.HttpResponse is null ? null : response.HttpStatusCode;
        if (response.ErrorType == ResponseErrorType.Exception && status is null)
        {
            throw Unreachable(response.Exception);
        }

        // RFC 7009 section 2.2.1: an error body, else only the status says why.
        throw new TokenRequestException(ProviderName, status, response.ErrorType == ResponseErrorType.Protocol ? response.Error : null, null,
            "The revocation endpoint refused to revoke the token", response.Exception);
    }
}
