using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TokenClients;
using TokenClients.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches the signed-in user's tokens to an HttpClient.</summary>
public static class UserTokenHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenHandler"/> (as <c>AddTokenHandler</c> does) that attaches the token of the signed-in user of
    /// the current request: the user's id (<see cref="TokenSubjectClaimsPrincipalExtensions.GetTokenSubject"/>) is read from
    /// <see cref="IHttpContextAccessor"/> for every request that names no user itself, so no request needs
    /// <c>WithTokenContext</c>. The provider refreshes the user's stored token set (one refresh per user at a time,
    /// rotated refresh tokens written back to the <see cref="ITokenStore"/>).
    /// </summary>
    /// <remarks>
    /// <para>A request that names its user (<c>WithTokenSubject(userId)</c>, <c>WithTokenContext</c>) keeps that user: the
    /// form for Blazor circuits and hosted services, where there is no <c>HttpContext</c>.</para>
    /// <para>With no signed-in user, or when the user must sign in again (the refresh token is dead, or nothing is
    /// stored), the request is not sent and the caller gets an <see cref="InteractionRequiredException"/>;
    /// <c>app.UseTokenClientsChallenge()</c> answers it with a sign-in challenge instead of an error page. A signed-in user
    /// without an id claim gets an <see cref="InvalidOperationException"/> instead: signing in again would bring the same
    /// claims back, and the challenge would repeat forever.</para>
    /// <para>Clients registered with <c>AddTokenHandler</c> alone are not affected.</para>
    /// </remarks>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="providerName">The provider that holds the users' tokens: the one named in <c>AddUserTokens</c>, or a connected provider.</param>
    /// <param name="configure">Names further origins that may receive the token.</param>
    /// <returns>The HttpClient builder.</returns>
    public static IHttpClientBuilder AddUserTokenHandler(this IHttpClientBuilder builder, string providerName, Action<TokenHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        builder.Services.AddHttpContextAccessor();
        builder.AddTokenHandler(providerName, configure);
        builder.AddHttpMessageHandler(services => new UserTokenHandler(
            services.GetRequiredService<IHttpContextAccessor>(),
            providerName,
            services.GetRequiredService<ILoggerFactory>().CreateLogger("TokenClients.AspNetCore")));
        return builder;
    }
}
