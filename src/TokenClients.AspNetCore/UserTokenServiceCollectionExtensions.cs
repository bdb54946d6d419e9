using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.AspNetCore;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Keeps the tokens of the application's OpenID Connect sign-in for calls on the user's behalf.</summary>
public static class UserTokenServiceCollectionExtensions
{
    /// <summary>
    /// Stores the tokens of every OpenID Connect sign-in of <paramref name="authenticationScheme"/> in the
    /// <see cref="ITokenStore"/> of provider <paramref name="providerName"/> under the user's id (the <c>sub</c> claim,
    /// else <c>NameIdentifier</c>), where the provider refreshes them and HttpClients with
    /// <c>AddUserTokenHandler(providerName)</c> find them; signing out of the application removes them and revokes the
    /// refresh token.
    /// </summary>
    /// <remarks>
    /// <para>Register <paramref name="providerName"/> with <c>UseAuthorizationCode</c> describing the same client as the
    /// OpenID Connect handler (authority, client id and secret), so that the provider can refresh with the stored refresh
    /// token; ask for <c>offline_access</c> (or what your server needs) to get one.</para>
    /// <para>The tokens are copied when the sign-in's tokens are validated (<c>OnTokenValidated</c>), whether
    /// <c>SaveTokens</c> is on or not; with <c>SaveTokens</c> the access and refresh tokens are dropped from the sign-in
    /// cookie (the <c>id_token</c> stays), because the store is where refreshes write the rotated ones.</para>
    /// <para>Because the tokens live in the store under the user's id, code without an <c>HttpContext</c> (a Blazor
    /// circuit, a hosted service) reaches them with <c>WithTokenSubject(userId)</c>.</para>
    /// <para>The start fails when <paramref name="providerName"/> has no authorization-code flow or
    /// <paramref name="authenticationScheme"/> is not an OpenID Connect scheme, or one whose <c>ResponseType</c> has no
    /// <c>code</c> (the handler's default, <c>id_token</c>, brings no tokens to store: every call would challenge again).</para>
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="providerName">The provider (registered with <c>AddTokenProvider</c>) that keeps and refreshes the tokens.</param>
    /// <param name="authenticationScheme">The OpenID Connect scheme whose sign-ins bring the tokens.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddUserTokens(this IServiceCollection services, string providerName, string authenticationScheme = OpenIdConnectDefaults.AuthenticationScheme)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        ArgumentException.ThrowIfNullOrWhiteSpace(authenticationScheme);
        services.AddHttpContextAccessor();
        services.AddOptions<UserTokenRegistrations>().Configure(r => r.SchemeOfProvider[providerName] = authenticationScheme).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UserTokenRegistrations>, UserTokenRegistrationsValidator>());
        services.AddSingleton<IPostConfigureOptions<OpenIdConnectOptions>>(sp => new UserTokenSignIn(providerName, authenticationScheme, sp));
        services.AddSingleton<IPostConfigureOptions<CookieAuthenticationOptions>>(sp => new UserTokenSignOut(providerName, authenticationScheme, sp));
        return services;
    }
}
