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
        services.TryAdd(ServiceDescriptor.KeyedSingleton<ITokenProvider>(KeyedService.AnyKey, static (services, key) =>
            services.GetRequiredKeyedService<ITokenProvider>(Registered(services, key, typeof(ITokenProvider))!)));
        services.TryAdd(ServiceDescriptor.KeyedSingleton<IAuthorizationCodeFlow>(KeyedService.AnyKey, static (services, key) =>
            services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Registered(services, key, typeof(IAuthorizationCodeFlow))!)));
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

    /// <summary>The registered spelling of <paramref name="key"/>, reached only when no provider has that exact spelling.</summary>
    private static string Registered(IServiceProvider services, object? key, Type service)
    {
        var registry = services.GetRequiredService<TokenProviderRegistry>();
        var name = key as string ?? throw new InvalidOperationException($"Token providers are keyed by name (a string); no {service.Name} is registered under the key '{key}'.");
        var registered = registry.Find(name) ?? throw new InvalidOperationException(Unknown(registry, name));
        if (string.Equals(registered, name, StringComparison.Ordinal))
        {
            // The provider has this exact spelling, but no such service: a sign-in flow asked of a provider without one.
            throw new InvalidOperationException($"Token provider '{registered}' has no {service.Name}: only authorization-code providers (UseAuthorizationCode, UseJustLogin) have one.");
        }

        return registered;
    }

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
                if (handlers.Get(client).ProviderName is { } provider && registry.Find(provider) is null)
                {
                    errors.Add($"HttpClient '{client}' attaches tokens of provider '{provider}' (AddTokenHandler): {Unknown(registry, provider)}");
                }
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
