using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients.Custom;
using TokenClients.Diagnostics;
using TokenClients.OAuth2;

namespace TokenClients.DependencyInjection;

/// <summary>What every kind's <c>Use…</c> method resolves or registers: its named options, the token-client logger, the sign-in flow, a custom-endpoint client.</summary>
internal static class TokenClientServices
{
    /// <summary>The provider's named options of a token client.</summary>
    public static TOptions Options<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(IServiceProvider services, string name) =>
        services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name);

    /// <summary>The logger every token client writes to.</summary>
    public static ILogger Logger(IServiceProvider services) =>
        services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.TokenClient") ?? NullLogger.Instance;

    /// <summary>Creates a custom-endpoint token client over options a kind mapped, sending through the HttpClient of <paramref name="httpClientProviderName"/>.</summary>
    public static CustomTokenClient CreateCustomClient(IServiceProvider services, string name, CustomTokenOptions options, string httpClientProviderName) =>
        new(name, options, () => services.GetRequiredService<IHttpClientFactory>().CreateClient(TokenClientsHttp.ClientName(httpClientProviderName)),
            services.GetRequiredService<TimeProvider>(), options.BearerTokenProvider is { } bearer ? services.GetKeyedService<ITokenProvider>(bearer) : null);

    /// <summary>Registers the keyed <see cref="IAuthorizationCodeFlow"/> over the provider's authorization-code token client.</summary>
    public static void AddAuthorizationCodeFlow(ITokenProviderBuilder builder) =>
        builder.Services.AddKeyedSingleton<IAuthorizationCodeFlow>(builder.Name, (services, key) =>
        {
            var name = (string)key!;
            var client = services.GetRequiredKeyedService<ITokenClient>(name) as IAuthorizationCodeTokenClient
                ?? throw new InvalidOperationException($"Token provider '{name}' does not use an authorization-code flow.");
            var time = services.GetRequiredService<TimeProvider>();

            // Shared only when the application opted in (AddTokenClientsDistributedCache / AddTokenClientsRedis registers the
            // shared payload), never because some ITokenCache or IDistributedCache happens to be registered. With a lock
            // the callback may reach any instance; without one the shared cache has no atomic take, and pending sign-ins
            // stay in this process.
            var shared = services.GetService<Caching.SharedPayload>() is null ? null : services.GetService<IDistributedCache>();
            var pending = new PendingSignIns(name, time, Logger(services), client.MaxPendingSignIns, shared, services.GetService<IDataProtectionProvider>(),
                services.GetService<ITokenLock>(), services.GetService<IOptions<DistributedTokenCacheOptions>>()?.Value.KeyPrefix ?? string.Empty);
            return new AuthorizationCodeFlow(name, client, services.GetRequiredService<ITokenStore>(), time, pending, Logger(services),
                services.GetRequiredService<TokenClientsMetrics>(), () => services.GetKeyedService<ITokenProvider>(name) as Caching.TokenProvider);
        });
}
