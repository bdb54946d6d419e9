using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenClients.AspNetCore.Connect;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers what the "connect your account" endpoints need.</summary>
public static class ConnectServiceCollectionExtensions
{
    /// <summary>
    /// Registers the services of <c>MapTokenClientsConnect</c>: anti-forgery, Data Protection (the connect state cookie),
    /// <see cref="Microsoft.AspNetCore.Http.IHttpContextAccessor"/> and <see cref="TimeProvider"/>.
    /// </summary>
    /// <remarks>
    /// Several instances behind a load balancer need one Data Protection key ring (<c>PersistKeysTo…</c>,
    /// <c>SetApplicationName</c>) so that the callback may reach any of them, and pending sign-ins shared through
    /// <c>AddTokenClientsRedis</c>.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddTokenClientsConnect(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        services.AddDataProtection();
        services.AddHttpContextAccessor();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConnectRegistry>();
        services.TryAddSingleton<ConnectStateCookie>();
        return services;
    }
}
