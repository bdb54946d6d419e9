using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TokenClients.AspNetCore.Connect;

/// <summary>The request handlers of the connect endpoints: start, callback, status, disconnect.</summary>
/// <remarks>Each requires a signed-in user (an anonymous request gets the default challenge); none writes a token.</remarks>
internal sealed class ConnectEndpoints(ConnectRegistry registry, IReadOnlyList<ConnectProvider> providers)
{
    public async Task StartAsync(HttpContext context)
    {
        if (await ResolveAsync(context).ConfigureAwait(false) is not (var provider, var subject, var flow))
        {
            return;
        }

        var logger = Logger(context);
        var returnUrl = context.Request.Query["returnUrl"].ToString();
        if (returnUrl.Length == 0)
        {
            returnUrl = "/";
        }
        else if (!LocalUrl.IsLocal(returnUrl))
        {
            Log.ConnectStartRefused(logger, provider.Name, "the return URL is not a local path");
            await PlainAsync(context, StatusCodes.Status400BadRequest, "returnUrl must be a path of this application.").ConfigureAwait(false);
            return;
        }

        AuthorizationRequest start;
        try
        {
            start = await flow.StartAsync(subject, ConnectSignInParameters.From(context.Request.Query), context.RequestAborted).ConfigureAwait(false);
        }
        catch (TokenRequestException exception)
        {
            // The provider's discovery document could not be read, or the shared store of pending sign-ins is down.
            Log.ConnectStartRefused(logger, provider.Name, "the sign-in could not be started (" + exception.Error + ")");
            await PlainAsync(context, StatusCodes.Status502BadGateway, "The provider cannot be reached right now; try again.").ConfigureAwait(false);
            return;
        }

        context.RequestServices.GetRequiredService<ConnectStateCookie>().Write(context, provider, start.State, subject, returnUrl);
        Log.ConnectStarted(logger, provider.Name);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(start.AuthorizeUri.AbsoluteUri);
    }

    public async Task CallbackAsync(HttpContext context)
    {
        if (await ResolveAsync(context).ConfigureAwait(false) is not (var provider, var subject, var flow))
        {
            return;
        }

        var logger = Logger(context);
        var (returnUrl, refusal, otherUser) = context.RequestServices.GetRequiredService<ConnectStateCookie>().Take(context, provider, context.Request.Query["state"], subject);
        if (refusal is not null)
        {
            Log.ConnectCallbackRefused(logger, provider.Name, refusal);
            await (otherUser
                ? PlainAsync(context, StatusCodes.Status403Forbidden, "This sign-in was started by another user.")
                : PlainAsync(context, StatusCodes.Status400BadRequest, "This sign-in was not started in this browser; start connecting again.")).ConfigureAwait(false);
            return;
        }

        var request = context.Request;
        var callback = new Uri(string.Concat(request.Scheme, "://", request.Host.ToUriComponent(), request.PathBase.ToUriComponent(), request.Path.ToUriComponent(), request.QueryString.ToUriComponent()));
        try
        {
            // Not abandoned when the browser gives up: the code is spent once sent, and the tokens it brings are stored
            // for the user's next visit. The token endpoint's total timeout bounds the wait.
            await flow.CompleteAsync(callback, subject, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SignInMismatchException)
        {
            Log.ConnectCallbackRefused(logger, provider.Name, "the sign-in was started for another user");
            await PlainAsync(context, StatusCodes.Status403Forbidden, "This sign-in was started by another user.").ConfigureAwait(false);
            return;
        }
        catch (InteractionRequiredException exception)
        {
            Log.ConnectCallbackRefused(logger, provider.Name, "the provider refused the sign-in (" + exception.Error + ")");
            await PlainAsync(context, StatusCodes.Status400BadRequest, "The provider refused the sign-in; start connecting again.").ConfigureAwait(false);
            return;
        }
        catch (TokenRequestException exception) when (exception.StatusCode is null && exception.Error is "invalid_state" or "invalid_request")
        {
            Log.ConnectCallbackRefused(logger, provider.Name, "the callback matches no pending sign-in (" + exception.Error + ")");
            await PlainAsync(context, StatusCodes.Status400BadRequest, "This sign-in is unknown, expired or used already; start connecting again.").ConfigureAwait(false);
            return;
        }
        catch (TokenRequestException exception)
        {
            Log.ConnectExchangeFailed(logger, provider.Name, exception.Error);
            await PlainAsync(context, StatusCodes.Status502BadGateway, "The provider could not complete the sign-in; try again.").ConfigureAwait(false);
            return;
        }

        Log.Connected(logger, provider.Name);
        context.Response.Redirect(returnUrl!);
    }

    public async Task StatusAsync(HttpContext context)
    {
        if (await SubjectOrChallengeAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return;
        }

        var store = context.RequestServices.GetRequiredService<ITokenStore>();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        using var buffer = new MemoryStream();
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteStartArray("providers");
        foreach (var provider in providers)
        {
            var connected = await store.GetAsync(provider.Name, subject, context.RequestAborted).ConfigureAwait(false) is not null;
            json.WriteStartObject();
            json.WriteString("name", provider.Name);
            json.WriteBoolean("connected", connected);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    public async Task DisconnectAsync(HttpContext context)
    {
        if (await ResolveAsync(context).ConfigureAwait(false) is not (var provider, var subject, var flow))
        {
            return;
        }

        var logger = Logger(context);
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException)
        {
            Log.DisconnectForgeryRefused(logger, provider.Name);
            await PlainAsync(context, StatusCodes.Status400BadRequest, "The request failed the anti-forgery check.").ConfigureAwait(false);
            return;
        }

        var result = await flow.SignOutAsync(subject, context.RequestAborted).ConfigureAwait(false);
        Log.Disconnected(logger, provider.Name, result.Revocation);
        var returnUrl = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false))["returnUrl"].ToString() : string.Empty;
        if (LocalUrl.IsLocal(returnUrl))
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = returnUrl;
            return;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("name", provider.Name);
        json.WriteBoolean("connected", false);
        json.WriteString("revocation", result.Revocation.ToString());
        json.WriteEndObject();
        json.Flush();
        await context.Response.Body.WriteAsync(buffer.ToArray(), context.RequestAborted).ConfigureAwait(false);
    }

    private static ILogger Logger(HttpContext context) =>
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TokenClients.AspNetCore");

    private static async Task<string?> SubjectOrChallengeAsync(HttpContext context)
    {
        if (context.User.GetTokenSubject() is { } subject)
        {
            return subject;
        }

        if (context.User.Identities.Any(i => i.IsAuthenticated))
        {
            // Signed in, but without an id to keep tokens under: a challenge would sign the user in again with the same
            // claims and come back here, forever.
            Log.SignedInUserWithoutId(Logger(context), "connect endpoints");
            await PlainAsync(context, StatusCodes.Status403Forbidden, "The signed-in user has no id (sub or NameIdentifier claim).").ConfigureAwait(false);
            return null;
        }

        await context.ChallengeAsync().ConfigureAwait(false);
        return null;
    }

    private static Task PlainAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }

    /// <summary>The provider of the route, the signed-in user and the flow; or the answer already written (404, challenge).</summary>
    private async ValueTask<(ConnectProvider Provider, string Subject, IAuthorizationCodeFlow Flow)?> ResolveAsync(HttpContext context)
    {
        if (registry.Find(context.Request.RouteValues["provider"] as string) is not { } provider || !providers.Contains(provider))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return null;
        }

        if (await SubjectOrChallengeAsync(context).ConfigureAwait(false) is not { } subject)
        {
            return null;
        }

        return (provider, subject, context.RequestServices.GetRequiredKeyedService<IAuthorizationCodeFlow>(provider.Name));
    }
}
