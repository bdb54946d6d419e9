using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.AspNetCore;

/// <summary>
/// Checks at start that each <c>AddUserTokens</c> names a provider with an authorization-code flow (the one that refreshes
/// the stored tokens) and a registered OpenID Connect scheme: a mistake there would otherwise only show as users whose
/// tokens are never stored, or never refreshed.
/// </summary>
internal sealed class UserTokenRegistrationsValidator(IServiceProvider services) : IValidateOptions<UserTokenRegistrations>
{
    public ValidateOptionsResult Validate(string? name, UserTokenRegistrations options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var schemes = services.GetService<IOptions<AuthenticationOptions>>()?.Value.Schemes.ToDictionary(s => s.Name, s => s.HandlerType, StringComparer.Ordinal) ?? [];
        foreach (var (provider, scheme) in options.SchemeOfProvider)
        {
            if (services.GetKeyedService<IAuthorizationCodeFlow>(provider) is null)
            {
                errors.Add($"AddUserTokens(\"{provider}\", \"{scheme}\"): token provider '{provider}' is not registered or has no authorization-code flow; register it with "
                    + "AddTokenProvider(\"" + provider + "\", p => p.UseAuthorizationCode(...)) describing the same client as the OpenID Connect scheme, so that it can refresh the users' tokens.");
            }

            if (!schemes.TryGetValue(scheme, out var handler) || !typeof(OpenIdConnectHandler).IsAssignableFrom(handler))
            {
                errors.Add($"AddUserTokens(\"{provider}\", \"{scheme}\"): '{scheme}' is not an OpenID Connect authentication scheme (AddAuthentication().AddOpenIdConnect(\"{scheme}\", ...)).");
            }
            else if (services.GetService<IOptionsMonitor<OpenIdConnectOptions>>()?.Get(scheme).ResponseType is { } responseType
                && !responseType.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("code", StringComparer.Ordinal))
            {
                // No code, no token endpoint: the sign-in stores nothing, and every call would challenge again, forever.
                errors.Add($"AddUserTokens(\"{provider}\", \"{scheme}\"): scheme '{scheme}' signs in with ResponseType '{responseType}', which redeems no code, so no tokens "
                    + "reach the store and every call would ask the user to sign in again; use ResponseType \"code\".");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
