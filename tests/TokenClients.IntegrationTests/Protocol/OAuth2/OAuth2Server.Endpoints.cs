using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <content>The token endpoint's grants, the protected API, and the journal of token responses.</content>
public partial class OAuth2Server
{
    private static async Task<IResult> IssueAsync(HttpContext context)
    {
        var request = context.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("No OpenID Connect request.");
        ClaimsIdentity identity;
        if (request.IsClientCredentialsGrantType())
        {
            identity = NewIdentity(request.ClientId!);
            identity.SetScopes(request.GetScopes());
        }
        else if (request.IsPasswordGrantType())
        {
            if (!string.Equals(request.Username, Username, StringComparison.Ordinal) || !string.Equals(request.Password, Password, StringComparison.Ordinal))
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user name or password is wrong.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            identity = NewIdentity(Username);
            identity.SetScopes(request.GetScopes());
        }
        else if (request.IsRefreshTokenGrantType())
        {
            // OpenIddict has validated the refresh token (signature, expiry, redemption) before this point.
            var result = await context.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
            identity = new ClaimsIdentity(result.Principal!.Claims, "OAuth2Server", Claims.Name, Claims.Role);
        }
        else
        {
            throw new InvalidOperationException("A grant this server does not allow got through.");
        }

        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ClaimsIdentity NewIdentity(string subject)
    {
        var identity = new ClaimsIdentity("OAuth2Server", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, subject);
        return identity;
    }

    private async Task<IResult> ServeApiAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : null;
        var subject = result.Succeeded ? result.Principal!.GetClaim(Claims.Subject) : null;
        ApiCalls.Enqueue(new ApiCall(token, subject, result.Succeeded));
        return result.Succeeded
            ? Results.Text(subject)
            : Results.Challenge(authenticationSchemes: [OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme]);
    }

    private ValueTask Record(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        var http = context.Transaction.GetHttpRequest();
        var basic = http?.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) == true;
        TokenExchanges.Enqueue(new TokenExchange(
            context.Request?.GrantType,
            context.Request?.ClientId,
            basic ? "client_secret_basic" : context.Request?.ClientSecret is null ? "none" : "client_secret_post",
            context.Request?.RefreshToken,
            context.Response.RefreshToken,
            context.Response.Error));
        return ValueTask.CompletedTask;
    }
}
