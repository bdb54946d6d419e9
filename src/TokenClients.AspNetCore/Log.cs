using Microsoft.Extensions.Logging;

namespace TokenClients.AspNetCore;

/// <summary>
/// Every log line of TokenClients.AspNetCore, with fixed event ids (140–159). None carries a token, a code, a
/// <c>state</c>, a cookie, a user's id or a URL query.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(140, LogLevel.Debug, "Token provider '{Provider}': the tokens of the OpenID Connect sign-in (scheme '{Scheme}') were stored for the signed-in user.")]
    public static partial void SignInTokensStored(ILogger logger, string provider, string scheme);

    [LoggerMessage(141, LogLevel.Warning, "Token provider '{Provider}': the OpenID Connect sign-in (scheme '{Scheme}') brought no access token or no user id (sub or NameIdentifier claim); nothing was stored.")]
    public static partial void SignInWithoutTokens(ILogger logger, string provider, string scheme);

    [LoggerMessage(142, LogLevel.Information, "Token provider '{Provider}': the user signed out of the application (scheme '{Scheme}'); the user's stored tokens were removed (revocation: {Revocation}).")]
    public static partial void SignedOutWithApplication(ILogger logger, string provider, string scheme, RevocationStatus revocation);

    [LoggerMessage(143, LogLevel.Information, "Token provider '{Provider}' needs the user to sign in again ({Error}); the request was answered with a challenge of scheme '{Scheme}'.")]
    public static partial void ChallengedForSignIn(ILogger logger, string provider, string? error, string scheme);

    [LoggerMessage(144, LogLevel.Information, "Token provider '{Provider}' needs the user to connect the account again ({Error}); the request was redirected to the connect endpoint.")]
    public static partial void RedirectedToConnect(ILogger logger, string provider, string? error);

    [LoggerMessage(145, LogLevel.Debug, "Token provider '{Provider}': a connect sign-in started.")]
    public static partial void ConnectStarted(ILogger logger, string provider);

    [LoggerMessage(146, LogLevel.Information, "Token provider '{Provider}': the user connected the account.")]
    public static partial void Connected(ILogger logger, string provider);

    [LoggerMessage(147, LogLevel.Warning, "Token provider '{Provider}': a connect callback was refused: {Reason}.")]
    public static partial void ConnectCallbackRefused(ILogger logger, string provider, string reason);

    [LoggerMessage(148, LogLevel.Warning, "Token provider '{Provider}': a connect start was refused: {Reason}.")]
    public static partial void ConnectStartRefused(ILogger logger, string provider, string reason);

    [LoggerMessage(149, LogLevel.Information, "Token provider '{Provider}': the user disconnected the account (revocation: {Revocation}).")]
    public static partial void Disconnected(ILogger logger, string provider, RevocationStatus revocation);

    [LoggerMessage(150, LogLevel.Warning, "Token provider '{Provider}': a disconnect request failed the anti-forgery check and was refused.")]
    public static partial void DisconnectForgeryRefused(ILogger logger, string provider);

    [LoggerMessage(151, LogLevel.Warning, "Token provider '{Provider}': the connect callback's code exchange failed ({Error}).")]
    public static partial void ConnectExchangeFailed(ILogger logger, string provider, string? error);

    [LoggerMessage(152, LogLevel.Warning, "Token provider '{Provider}': a request needed the signed-in user's token, but no user is signed in on it (no HttpContext, or no sub/NameIdentifier claim); name the user with WithTokenSubject where there is no HttpContext.")]
    public static partial void NoSignedInUser(ILogger logger, string provider);

    [LoggerMessage(170, LogLevel.Warning, "A signed-in user without a sub or NameIdentifier claim was refused ({Where}): signing in again would give the same claims, so there is no challenge.")]
    public static partial void SignedInUserWithoutId(ILogger logger, string where);
}
