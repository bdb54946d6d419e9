using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients.AspNetCore;

/// <summary>
/// When the user signs out of the application (the cookie scheme the OpenID Connect scheme signs in to), signs the user
/// out of the provider too: the stored token set is removed and its refresh token revoked where the provider can.
/// </summary>
internal sealed class UserTokenSignOut(string providerName, string oidcScheme, IServiceProvider services) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var events = options.Events;
        var signingOut = events.OnSigningOut;
        events.OnSigningOut = async context =>
        {
            await signingOut(context).ConfigureAwait(false);
            var signInScheme = services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(oidcScheme).SignInScheme;
            if (string.Equals(context.Scheme.Name, signInScheme, StringComparison.Ordinal))
            {
                await SignOutAsync(context.HttpContext, context.Scheme.Name).ConfigureAwait(false);
            }
        };
    }

    private async Task SignOutAsync(Microsoft.AspNetCore.Http.HttpContext context, string cookieScheme)
    {
        var subject = context.User.GetTokenSubject();
        if (subject is null)
        {
            var result = await context.AuthenticateAsync(cookieScheme).ConfigureAwait(false);
            subject = result.Principal.GetTokenSubject();
        }

        if (subject is null)
        {
            return;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("TokenClients.AspNetCore");
        if (services.GetKeyedService<IAuthorizationCodeFlow>(providerName) is { } flow)
        {
            // The local sign-out always happens; a revocation that fails is reported, never thrown.
            var signedOut = await flow.SignOutAsync(subject, context.RequestAborted).ConfigureAwait(false);
            Log.SignedOutWithApplication(logger, providerName, cookieScheme, signedOut.Revocation);
            return;
        }

        await services.GetRequiredService<ITokenStore>().RemoveAsync(providerName, subject, CancellationToken.None).ConfigureAwait(false);
        Log.SignedOutWithApplication(logger, providerName, cookieScheme, RevocationStatus.NotSupported);
    }
}
