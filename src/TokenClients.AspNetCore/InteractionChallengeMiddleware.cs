using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenClients.AspNetCore.Connect;

namespace TokenClients.AspNetCore;

/// <summary>
/// Answers an <see cref="InteractionRequiredException"/> that escapes the rest of the pipeline with what fixes it, while
/// the response has not started: a connected provider's user is sent to connect the account again, any other provider's
/// user gets a sign-in challenge (of the OpenID Connect scheme that <c>AddUserTokens</c> tied to the provider, else the
/// default challenge scheme). Back at a GET request's own address afterwards. An exception about another user's tokens
/// (a request named with <c>WithTokenSubject</c>) is not answered: signing this user in again would not fix it.
/// </summary>
internal sealed class InteractionChallengeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Another user's tokens (a request named with WithTokenSubject) are not fixed by signing this user in again:
            // the challenge would bring the user back to the same failure, forever.
            if (Find(exception) is not { } required || context.Response.HasStarted
                || required.Subject is { } subject && !string.Equals(subject, context.User.GetTokenSubject(), StringComparison.Ordinal))
            {
                throw;
            }

            await ChallengeAsync(context, required).ConfigureAwait(false);
        }
    }

    internal static async Task ChallengeAsync(HttpContext context, InteractionRequiredException required)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenClients.AspNetCore");
        var request = context.Request;
        var returnUrl = HttpMethods.IsGet(request.Method) ? string.Concat(request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent()) : request.PathBase.ToUriComponent() + "/";
        if (!LocalUrl.IsLocal(returnUrl))
        {
            returnUrl = "/";
        }

        context.Response.Clear();
        context.Response.Headers.CacheControl = "no-store";
        var provider = required.ProviderName;
        if (context.RequestServices.GetService<ConnectRegistry>()?.Find(provider) is { } connect)
        {
            Log.RedirectedToConnect(logger, connect.Name, required.Error);
            context.Response.Redirect(string.Concat(request.PathBase.ToUriComponent(), connect.Prefix, "/", Uri.EscapeDataString(connect.Name.ToLowerInvariant()),
                "?returnUrl=", Uri.EscapeDataString(returnUrl)));
            return;
        }

        var scheme = context.RequestServices.GetService<IOptions<UserTokenRegistrations>>()?.Value.SchemeOfProvider.GetValueOrDefault(provider);
        Log.ChallengedForSignIn(logger, provider, required.Error, scheme ?? "(default)");
        await context.ChallengeAsync(scheme, new AuthenticationProperties { RedirectUri = returnUrl }).ConfigureAwait(false);
    }

    /// <summary>The <see cref="InteractionRequiredException"/> an exception is or wraps (a typed client may wrap it).</summary>
    internal static InteractionRequiredException? Find(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case InteractionRequiredException required:
                    return required;
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    break;
                default:
                    exception = exception.InnerException;
                    break;
            }
        }

        return null;
    }
}
