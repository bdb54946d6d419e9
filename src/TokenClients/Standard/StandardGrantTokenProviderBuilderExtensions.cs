using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The standard OAuth2 grants, configured by options alone.</summary>
public static class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>Uses the <c>client_credentials</c> grant.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoint (or authority), client id, secret and scope.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseClientCredentials(this ITokenProviderBuilder builder, Action<ClientCredentialsOptions> configure)
    {
        builder.AddClientOptions<ClientCredentialsOptions, OAuth2OptionsValidator>(configure);
        return builder.UseTokenClient("ClientCredentials", static (services, name) => new ClientCredentialsTokenClient(
            name, Options<ClientCredentialsOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(), services.GetRequiredService<TimeProvider>(), Logger(services)));
    }

    /// <summary>Uses the resource-owner <c>password</c> grant, refreshing with the refresh token when one is issued.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoint (or authority), client, user name and password.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UsePassword(this ITokenProviderBuilder builder, Action<PasswordOptions> configure)
    {
        builder.AddClientOptions<PasswordOptions, OAuth2OptionsValidator>(configure);
        return builder.UseTokenClient("Password", static (services, name) => new PasswordTokenClient(
            name, Options<PasswordOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(), services.GetRequiredService<TimeProvider>(), Logger(services)));
    }

    /// <summary>
    /// Uses the <c>authorization_code</c> grant with <c>state</c> and PKCE for connected user accounts: sign users in
    /// through the keyed <see cref="IAuthorizationCodeFlow"/>, then select a user per request with <see cref="TokenContext.Subject"/>.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoints (or authority), client, redirect URI and scope.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseAuthorizationCode(this ITokenProviderBuilder builder, Action<AuthorizationCodeOptions> configure)
    {
        builder.AddClientOptions<AuthorizationCodeOptions, OAuth2OptionsValidator>(configure);
        builder.AddAuthorizationCodeFlow();
        return builder.UseTokenClient("AuthorizationCode", static (services, name) => new AuthorizationCodeTokenClient(
            name, Options<AuthorizationCodeOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(), services.GetRequiredService<TimeProvider>(), Logger(services)));
    }

    /// <summary>Registers the keyed <see cref="IAuthorizationCodeFlow"/> over the provider's authorization-code token client.</summary>
    internal static void AddAuthorizationCodeFlow(this ITokenProviderBuilder builder) =>
        builder.Services.AddKeyedSingleton<IAuthorizationCodeFlow>(builder.Name, (services, key) =>
        {
            var name = (string)key!;
            var client = services.GetRequiredKeyedService<ITokenClient>(name) as IAuthorizationCodeTokenClient
                ?? throw new InvalidOperationException($"Token provider '{name}' does not use an authorization-code flow.");
            var time = services.GetRequiredService<TimeProvider>();

            // With a shared cache and a lock (AddTokenClientsRedis), the callback may reach any instance; without a lock
            // the shared cache has no atomic take, and pending sign-ins stay in this process.
            var shared = services.GetService<ITokenCache>() is null ? null : services.GetService<IDistributedCache>();
            var pending = new PendingSignIns(name, time, Logger(services), client.MaxPendingSignIns, shared, services.GetService<IDataProtectionProvider>(),
                services.GetService<ITokenLock>(), services.GetService<IOptions<DistributedTokenCacheOptions>>()?.Value.KeyPrefix ?? string.Empty);
            return new AuthorizationCodeFlow(name, client, services.GetRequiredService<ITokenStore>(), time, pending, Logger(services));
        });

    internal static TOptions Options<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);

    internal static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.TokenClient") ?? NullLogger.Instance;
}
