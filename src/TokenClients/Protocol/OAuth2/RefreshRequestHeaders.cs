using System.Net.Http.Headers;

namespace TokenClients.OAuth2;

/// <summary>
/// Adds to a refresh request what a provider wants beyond the refresh token, from the token set being refreshed: the
/// seam through which a vendor's refresh quirk (JustLogin's Bearer access token) reaches the wire, and nothing else.
/// </summary>
/// <param name="headers">The refresh request's headers.</param>
/// <param name="current">The token set being refreshed; it has a refresh token.</param>
internal delegate void RefreshRequestHeaders(HttpRequestHeaders headers, TokenSet current);
