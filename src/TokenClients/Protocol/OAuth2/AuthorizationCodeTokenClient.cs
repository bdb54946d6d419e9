using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace TokenClients.OAuth2;

/// <summary>A token client whose token sets come from a person signing in: the authorization-code grant.</summary>
internal interface IAuthorizationCodeTokenClient : ITokenClient
{
    /// <summary>Gets the client id sent on the authorize URL.</summary>
    string ClientId { get; }

    /// <summary>Gets the registered callback URL.</summary>
    Uri RedirectUri { get; }

    /// <summary>Gets the scope to ask for.</summary>
    string? Scope { get; }

    /// <summary>Gets a value indicating whether PKCE (S256) is used.</summary>
    bool UsePkce { get; }

    /// <summary>Gets how long a started sign-in waits for its callback.</summary>
    TimeSpan PendingSignInLifetime { get; }

    /// <summary>Gets how many started sign-ins may wait for their callback at once.</summary>
    int MaxPendingSignIns { get; }

    /// <summary>Resolves the authorize endpoint, from configuration or discovery.</summary>
    ValueTask<Uri> GetAuthorizeEndpointAsync(CancellationToken cancellationToken);

    /// <summary>Exchanges an authorization code for a token set.</summary>
    Task<TokenSet> ExchangeCodeAsync(string code, string? codeVerifier, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes a refresh token at the server (RFC 7009): <see langword="true"/> when the server accepted it,
    /// <see langword="false"/> when the provider has no revocation endpoint.
    /// </summary>
    /// <exception cref="TokenRequestException">The revocation endpoint could not be reached or refused the request.</exception>
    Task<bool> RevokeRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken) => Task.FromResult(false);

    /// <summary>
    /// Gets what RFC 9207 asks of a callback's <c>iss</c>: the issuer it must equal (<see langword="null"/> when none is
    /// known), and whether every callback must carry it.
    /// </summary>
    ValueTask<ResponseIssuer> GetResponseIssuerAsync(CancellationToken cancellationToken) => default;
}

/// <summary>The issuer a callback's <c>iss</c> must equal (RFC 9207), and whether it must be there.</summary>
/// <param name="Issuer">The issuer identifier; <see langword="null"/> when none is known.</param>
/// <param name="Required">Whether every callback must carry <c>iss</c>.</param>
internal readonly record struct ResponseIssuer(string? Issuer, bool Required);

/// <summary>The standard <c>authorization_code</c> grant (RFC 6749 section 4.1, with PKCE).</summary>
internal sealed class AuthorizationCodeTokenClient(string providerName, AuthorizationCodeOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    : OAuth2TokenClient<AuthorizationCodeOptions>(providerName, options, httpClientFactory, timeProvider, logger), IAuthorizationCodeTokenClient
{
    public override bool RequiresInteraction => true;

    public string ClientId => Options.ClientId!;

    public Uri RedirectUri => Options.RedirectUri!;

    public string? Scope => Options.Scope;

    public bool UsePkce => Options.UsePkce;

    public TimeSpan PendingSignInLifetime => Options.PendingSignInLifetime;

    public int MaxPendingSignIns => Options.MaxPendingSignIns;

    public override Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        throw new InteractionRequiredException(ProviderName, context.Subject, $"The user has not signed in: tokens of this provider come from a sign-in through {nameof(IAuthorizationCodeFlow)}");

    public async ValueTask<Uri> GetAuthorizeEndpointAsync(CancellationToken cancellationToken) =>
        Options.AuthorizeEndpoint ?? new Uri((await DiscoverAsync().ConfigureAwait(false)).AuthorizeEndpoint
            ?? throw new TokenRequestException(ProviderName, null, null, null, "The discovery document names no authorization_endpoint; set AuthorizeEndpoint"));

    public Task<TokenSet> ExchangeCodeAsync(string code, string? codeVerifier, CancellationToken cancellationToken) =>
        SendAsync(GrantTypes.AuthorizationCode, new AuthorizationCodeTokenRequest { Code = code, RedirectUri = RedirectUri.AbsoluteUri, CodeVerifier = codeVerifier }, TokenContext.Default, cancellationToken);

    public async ValueTask<ResponseIssuer> GetResponseIssuerAsync(CancellationToken cancellationToken)
    {
        var document = CanDiscover ? await DiscoverAsync().ConfigureAwait(false) : null;
        return new ResponseIssuer(Options.Issuer ?? document?.Issuer, Options.Issuer is not null || document?.AuthorizationResponseIssParameterSupported == true);
    }

    public Task<bool> RevokeRefreshTokenAsync(string refreshToken, CancellationToken cancellationToken) =>
        RevokeAsync(Options.RevocationEndpoint, refreshToken, "refresh_token", cancellationToken);
}
