using System.Security.Cryptography;
using System.Text;
using System.Web;
using Duende.IdentityModel;
using Duende.IdentityModel.Client;
using TokenClients.Diagnostics;

namespace TokenClients.OAuth2;

/// <summary>
/// Authorization code with <c>state</c> and PKCE (S256) over any <see cref="IAuthorizationCodeTokenClient"/>:
/// the standard grant and JustLogin share it.
/// </summary>
internal sealed class AuthorizationCodeFlow(string providerName, IAuthorizationCodeTokenClient client, ITokenStore store, TimeProvider timeProvider, PendingSignIns pending) : IAuthorizationCodeFlow
{
    public async ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var now = timeProvider.GetUtcNow();
        var state = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
        string? verifier = null;
        string? challenge = null;
        if (client.UsePkce)
        {
            verifier = CryptoRandom.CreateUniqueId(32, CryptoRandom.OutputFormat.Base64Url);
            challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        }

        var endpoint = await client.GetAuthorizeEndpointAsync(cancellationToken).ConfigureAwait(false);
        var url = new RequestUrl(endpoint.AbsoluteUri).CreateAuthorizeUrl(
            clientId: client.ClientId,
            responseType: OidcConstants.ResponseTypes.Code,
            scope: client.Scope,
            redirectUri: client.RedirectUri.AbsoluteUri,
            state: state,
            codeChallenge: challenge,
            codeChallengeMethod: challenge is null ? null : OidcConstants.CodeChallengeMethods.Sha256);
        await pending.AddAsync(state, new PendingSignIn(subject, verifier, now + client.PendingSignInLifetime), cancellationToken).ConfigureAwait(false);
        return new AuthorizationRequest(new Uri(url), state);
    }

    public async Task<AuthorizationResult> CompleteAsync(Uri callbackUri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callbackUri);
        var query = HttpUtility.ParseQueryString(callbackUri.Query);
        var state = query["state"];
        if (string.IsNullOrEmpty(state) || await pending.TakeAsync(state, cancellationToken).ConfigureAwait(false) is not { } signIn)
        {
            throw new TokenRequestException(providerName, null, "invalid_state", null, "The callback's state matches no sign-in started here in the last few minutes; start the sign-in again");
        }

        if (query["error"] is { } error)
        {
            throw new InteractionRequiredException(providerName, signIn.Subject, $"The sign-in was refused ({error}: {query["error_description"] ?? "no description"}).");
        }

        var code = query["code"];
        if (string.IsNullOrEmpty(code))
        {
            throw new TokenRequestException(providerName, null, "invalid_request", null, "The callback carries no authorization code");
        }

        var tokens = await TokenClientsDiagnostics.TraceTokenRequestAsync(providerName, "authorization_code", timeProvider,
            () => client.ExchangeCodeAsync(code, signIn.Verifier, cancellationToken)).ConfigureAwait(false);
        await store.SetAsync(providerName, signIn.Subject, tokens, CancellationToken.None).ConfigureAwait(false);
        return new AuthorizationResult(signIn.Subject, tokens);
    }
}
