using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TokenClients.AspNetCore;

/// <summary>
/// Names the signed-in user of the current request as the token's subject (<c>WithTokenSubject</c>) on every request
/// of a client that carries none; the <see cref="TokenHandler"/> further in attaches that user's token.
/// </summary>
/// <remarks>
/// A request that already names its user (<c>WithTokenSubject</c> or <c>WithTokenContext</c>: a Blazor circuit, a hosted
/// service) keeps it. A request with no signed-in user is not sent: it fails with an
/// <see cref="InteractionRequiredException"/>, which the challenge middleware turns into a sign-in.
/// </remarks>
internal sealed class UserTokenHandler(IHttpContextAccessor accessor, string providerName, ILogger logger) : DelegatingHandler
{
    // The keys of the core package's request options (WithTokenContext, WithTokenSubject). Read through the public
    // Options dictionary: this handler runs only on clients that asked for the signed-in user's token.
    private static readonly HttpRequestOptionsKey<TokenContext> s_contextKey = new("TokenClients.TokenContext");
    private static readonly HttpRequestOptionsKey<string> s_subjectKey = new("TokenClients.TokenSubject");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!NamesItsUser(request))
        {
            var user = accessor.HttpContext?.User;
            if (user.GetTokenSubject() is null && user is not null && user.Identities.Any(i => i.IsAuthenticated))
            {
                // Signing in again gives the same claims: asking for it would challenge in a loop.
                Log.SignedInUserWithoutId(logger, "provider '" + providerName + "'");
                return Task.FromException<HttpResponseMessage>(new InvalidOperationException(
                    "The signed-in user has no id claim (sub, or NameIdentifier) to keep the user's tokens under; add one when the user signs in"));
            }

            if (user.GetTokenSubject() is not { } subject)
            {
                Log.NoSignedInUser(logger, providerName);
                return Task.FromException<HttpResponseMessage>(new InteractionRequiredException(providerName, null,
                    "No user is signed in on this request, so there is no user whose token to attach; sign the user in (or name the user with WithTokenSubject where there is no HttpContext)"));
            }

            request.WithTokenSubject(subject);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static bool NamesItsUser(HttpRequestMessage request) =>
        request.Options.TryGetValue(s_subjectKey, out var subject) && !string.IsNullOrEmpty(subject)
        || request.Options.TryGetValue(s_contextKey, out var context) && context is not null;
}
