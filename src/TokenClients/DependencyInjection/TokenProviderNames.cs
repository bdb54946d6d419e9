using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TokenClients.DependencyInjection;

/// <summary>
/// Makes every name that reaches a provider agree with the registry: keyed <see cref="ITokenProvider"/> and
/// <see cref="IAuthorizationCodeFlow"/> lookups in any case find the registered spelling, an unknown name fails with a
/// message that lists the registered ones, and the host's start fails when a client's <c>AddTokenHandler</c> names no
/// registered provider or a configuration section given to <c>AddTokenProviders</c> had no entry.
/// </summary>
internal static class TokenProviderNames
{
    public static void AddLookups(IServiceCollection services)
    {
        // A name in another case finds the registered spelling; any other name finds nothing (GetKeyedService returns null,
        // as its contract says), and the start-up check below names it.
        services.TryAdd(ServiceDescriptor.KeyedSingleton<ITokenProvider>(KeyedService.AnyKey, static (services, key) =>
            (Registered(services, key) is { } name ? services.GetKeyedService<ITokenProvider>(name) : null)!));
        services.TryAdd(ServiceDescriptor.KeyedSingleton<IAuthorizationCodeFlow>(KeyedService.AnyKey, static (services, key) =>
            (Registered(services, key) is { } name ? services.GetKeyedService<IAuthorizationCodeFlow>(name) : null)!));
        services.AddOptions<Check>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<Check>, CheckValidator>());
    }

    /// <summary>The message for a name no provider is registered under.</summary>
    public static string Unknown(TokenProviderRegistry registry, string name)
    {
        var registered = registry.Names.ToList();
        var message = registered.Count == 0
            ? $"No token provider named '{name}' is registered; no token provider is registered at all."
            : $"No token provider named '{name}' is registered; the registered providers are {string.Join(", ", registered.Select(n => $"'{n}'"))} (names are case-insensitive).";
        return registry.EmptySections.Count == 0
            ? message
            : $"{message} {EmptySectionsMessage(registry)}";
    }

    private static string EmptySectionsMessage(TokenProviderRegistry registry) =>
        $"AddTokenProviders found no provider entries in the configuration section {string.Join(", ", registry.EmptySections.Select(p => $"'{p}'"))}: it is missing or empty.";

    /// <summary>
    /// The registered spelling of <paramref name="key"/> when it differs from it only by case; <see langword="null"/> for a
    /// name no provider has, and for the registered spelling itself (that lookup found no exact registration: a sign-in
    /// flow asked of a provider without one).
    /// </summary>
    private static string? Registered(IServiceProvider services, object? key) =>
        key is string name && services.GetRequiredService<TokenProviderRegistry>().Find(name) is { } registered
            && !string.Equals(registered, name, StringComparison.Ordinal)
            ? registered
            : null;

    /// <summary>The options whose validation, run when the host starts, checks the names.</summary>
    internal sealed class Check;

    private sealed class CheckValidator(IServiceProvider services) : IValidateOptions<Check>
    {
        public ValidateOptionsResult Validate(string? name, Check options)
        {
            var registry = services.GetRequiredService<TokenProviderRegistry>();
            var errors = new List<string>();
            if (registry.EmptySections.Count > 0)
            {
                errors.Add(EmptySectionsMessage(registry));
            }

            var handlers = services.GetRequiredService<IOptionsMonitor<TokenHandlerRegistration>>();
            foreach (var client in services.GetServices<IConfigureOptions<TokenHandlerRegistration>>().OfType<IConfigureNamedOptions<TokenHandlerRegistration>>()
                .OfType<ConfigureNamedOptions<TokenHandlerRegistration>>().Select(c => c.Name ?? Options.DefaultName).Distinct(StringComparer.Ordinal))
            {
                // A provider the application registered itself under that key is as good as one of ours.
                if (handlers.Get(client).ProviderName is { } provider && registry.Find(provider) is null
                    && services.GetKeyedService<ITokenProvider>(provider) is null)
                {
                    errors.Add($"HttpClient '{client}' attaches tokens of provider '{provider}' (AddTokenHandler): {Unknown(registry, provider)}");
                }
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
