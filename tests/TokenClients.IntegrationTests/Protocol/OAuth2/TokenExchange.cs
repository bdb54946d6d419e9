namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>One token response of the server.</summary>
/// <param name="GrantType">The grant asked for.</param>
/// <param name="ClientId">The client that asked.</param>
/// <param name="ClientAuthentication">How the client authenticated: <c>client_secret_basic</c>, <c>client_secret_post</c> or <c>none</c>.</param>
/// <param name="PresentedRefreshToken">The refresh token presented by a refresh_token grant.</param>
/// <param name="IssuedRefreshToken">The refresh token issued, if any.</param>
/// <param name="Error">The OAuth error, or <see langword="null"/> when tokens were issued.</param>
public sealed record TokenExchange(string? GrantType, string? ClientId, string ClientAuthentication, string? PresentedRefreshToken, string? IssuedRefreshToken, string? Error);
