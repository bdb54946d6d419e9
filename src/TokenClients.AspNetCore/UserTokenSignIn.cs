using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TokenClients.AspNetCore;

/// <summary>
/// Copies the tokens of an OpenID Connect sign-in into the <see cref="ITokenStore"/> under the signed-in user's id, for
/// the provider that describes the same client; and keeps the access and refresh tokens out of the sign-in cookie.
/// </summary>
/// <remarks>
/// <c>OnTokenValidated</c> reads the token endpoint's answer, so the store is filled whether <c>SaveTokens</c> is on or
/// not. With <c>SaveTokens</c>, <c>OnTicketReceived</c> drops the access and refresh tokens from the authentication
/// properties (the <c>id_token</c> stays, for the end-session request): the store is their one home, where refreshes
/// write the rotated ones, and a copy in the cookie would go stale at the first refresh.
/// </remarks>
internal sealed class UserTokenSignIn(string providerName, string scheme, IServiceProvider services) : IPostConfigureOptions<OpenIdConnectOptions>
{
    public void PostConfigure(string? name, OpenIdConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name, scheme, StringComparison.Ordinal))
        {
            return;
        }

        if (options.EventsType is not null)
        {
            throw new InvalidOperationException(
                $"AddUserTokens(\"{providerName}\", \"{scheme}\") adds to the OpenID Connect events of scheme '{scheme}', which sets EventsType; "
                + "set the events through OpenIdConnectOptions.Events instead, or call the user-token hooks from your events type.");
        }

        var events = options.Events;
        var tokenValidated = events.OnTokenValidated;
        events.OnTokenValidated = async context =>
        {
            await tokenValidated(context).ConfigureAwait(false);
            if (context.Result is null)
            {
                await StoreAsync(context).ConfigureAwait(false);
            }
        };

        var ticketReceived = events.OnTicketReceived;
        events.OnTicketReceived = async context =>
        {
            await ticketReceived(context).ConfigureAwait(false);
            if (context.Properties is { } properties)
            {
                var kept = properties.GetTokens().Where(t => t.Name is not ("access_token" or "refresh_token")).ToList();
                if (properties.GetTokenValue("access_token") is not null || properties.GetTokenValue("refresh_token") is not null)
                {
                    properties.StoreTokens(kept);
                }
            }
        };
    }

    private async Task StoreAsync(TokenValidatedContext context)
    {
        // A hybrid flow validates the authorize response's id_token before the code is redeemed: the tokens come later.
        if (context.TokenEndpointResponse is null && string.IsNullOrEmpty(context.ProtocolMessage?.AccessToken))
        {
            return;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("TokenClients.AspNetCore");
        var now = services.GetService<TimeProvider>()?.GetUtcNow() ?? TimeProvider.System.GetUtcNow();
        if (context.Principal.GetTokenSubject() is not { } subject || SignInTokenSet.From(context.TokenEndpointResponse ?? context.ProtocolMessage, now) is not { } tokens)
        {
            Log.SignInWithoutTokens(logger, providerName, scheme);
            return;
        }

        await services.GetRequiredService<ITokenStore>().SetAsync(providerName, subject, tokens, context.HttpContext.RequestAborted).ConfigureAwait(false);
        Log.SignInTokensStored(logger, providerName, scheme);
    }
}
