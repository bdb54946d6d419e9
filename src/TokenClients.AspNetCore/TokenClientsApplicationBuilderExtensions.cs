using TokenClients;
using TokenClients.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Answers "the user must sign in again" with a sign-in instead of an error page.</summary>
public static class TokenClientsApplicationBuilderExtensions
{
    /// <summary>
    /// Adds a middleware that turns an <see cref="InteractionRequiredException"/> thrown further down the pipeline (the
    /// user's refresh token is dead, nothing is stored for the user, no user is signed in) into the answer that fixes it,
    /// when the response has not started yet: for a provider with connect endpoints (<c>MapTokenClientsConnect</c>) a
    /// redirect to connect the account again; otherwise a challenge of the OpenID Connect scheme tied to the provider by
    /// <c>AddUserTokens</c> (else the default challenge scheme). A GET request comes back to its own address afterwards.
    /// The dead stored set is already gone: the provider removes it when the server rejects its refresh token. An
    /// exception about another user's tokens (a request named with <c>WithTokenSubject</c>) passes on unanswered: signing
    /// the current user in again would not fix it.
    /// </summary>
    /// <remarks>Place it after <c>UseAuthentication</c> and before the endpoints (and after any exception-page middleware).</remarks>
    /// <param name="app">The application.</param>
    /// <returns>The application.</returns>
    public static IApplicationBuilder UseTokenClientsChallenge(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<InteractionChallengeMiddleware>();
    }
}
