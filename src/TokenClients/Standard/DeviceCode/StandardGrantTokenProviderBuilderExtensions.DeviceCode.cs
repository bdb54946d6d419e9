using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses the device authorization grant (RFC 8628) for users who sign in on another device: sign users in through the
    /// keyed <see cref="IDeviceCodeFlow"/>, then select a user per request with <see cref="TokenContext.Subject"/>. The
    /// provider refreshes each user's stored token set with its refresh token.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoints (or authority), the client and the scope (include <c>offline_access</c> where the server wants it for refresh tokens).</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseDeviceCode(this ITokenProviderBuilder builder, Action<DeviceCodeOptions> configure)
    {
        builder.AddClientOptions(configure, new DeviceCodeOptionsValidator(builder.Name));
        builder.Services.AddKeyedSingleton<IDeviceCodeFlow>(builder.Name, static (services, key) =>
        {
            var name = (string)key!;
            var client = services.GetRequiredKeyedService<ITokenClient>(name) as IDeviceAuthorizationTokenClient
                ?? throw new InvalidOperationException($"Token provider '{name}' does not use the device authorization grant.");
            return new DeviceCodeFlow(name, client, services.GetRequiredService<ITokenStore>(), services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services));
        });

        // A name in another case finds the registered spelling, as keyed providers do.
        builder.Services.TryAdd(ServiceDescriptor.KeyedSingleton<IDeviceCodeFlow>(KeyedService.AnyKey, static (services, key) =>
            (key is string name && services.GetRequiredService<TokenProviderRegistry>().Find(name) is { } registered
                && !string.Equals(registered, name, StringComparison.Ordinal)
                ? services.GetKeyedService<IDeviceCodeFlow>(registered)
                : null)!));
        return builder.UseTokenClient(DeviceCodeKind.Name, static (services, name) => new DeviceAuthorizationTokenClient(
            name, TokenClientServices.Options<DeviceCodeOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
