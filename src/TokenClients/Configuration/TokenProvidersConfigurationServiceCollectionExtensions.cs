using Microsoft.Extensions.Configuration;
using TokenClients;
using TokenClients.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers token providers described by configuration.</summary>
public static class TokenProvidersConfigurationServiceCollectionExtensions
{
    /// <summary>
    /// Registers one token provider per child of <paramref name="configuration"/> (usually the <c>TokenProviders</c>
    /// section), named by the child's key. Each entry has a <c>Kind</c> (<c>Mluvii</c>, <c>MoodHood</c>, <c>Telmai</c>,
    /// <c>Oli</c>, <c>JustLogin</c>, <c>ClientCredentials</c>, <c>Password</c>, <c>AuthorizationCode</c>,
    /// <c>Custom</c>, <c>TokenExchange</c> or <c>DeviceCode</c>), the settings of that kind's options (<c>ClientId</c>, <c>ClientSecret</c>, …), and optionally a
    /// <c>Cache</c> subsection of <see cref="TokenProviderOptions"/>. The provider is registered through the kind's
    /// <c>Use…</c> method, exactly as one registered in code.
    /// </summary>
    /// <remarks>
    /// Settings are read when the options are first built, which a host does on start: secrets may come from any
    /// configuration source (user secrets, environment variables such as <c>TokenProviders__oli__Password</c>).
    /// A bad value or an unknown key fails start-up with an <see cref="Options.OptionsValidationException"/> whose
    /// message names the full key (<c>TokenProviders:oli:Cache:ClockSkew must be a time span such as 00:05:00.</c>);
    /// no message quotes a value. Validation errors of an entry's settings name the full key as well
    /// (<c>TokenProviders:idp:ClientId is required.</c>).
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section whose children are the providers.</param>
    /// <param name="configure">Configures each provider further in code (a primary handler, resilience, …); optional.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">
    /// An entry has no <c>Kind</c> or an unknown one (the message lists every such entry), or a provider name is taken
    /// (names are case-insensitive). A section without entries (a misspelt or missing section) fails the host's start
    /// instead, and names the section.
    /// </exception>
    public static IServiceCollection AddTokenProviders(this IServiceCollection services, IConfiguration configuration, Action<ITokenProviderBuilder>? configure = null) =>
        services.AddTokenProviders(configuration, TokenProvidersConfiguration.Kinds, configure);

    /// <summary>Registers the providers <paramref name="configuration"/> describes, each of one of <paramref name="kinds"/>.</summary>
    internal static IServiceCollection AddTokenProviders(this IServiceCollection services, IConfiguration configuration, IReadOnlyList<ProviderKind> kinds, Action<ITokenProviderBuilder>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(kinds);
        var kindList = string.Join(", ", kinds.Select(k => k.Name));

        var entries = new List<(IConfigurationSection Entry, ProviderKind Kind)>();
        var errors = new List<string>();
        foreach (var entry in configuration.GetChildren())
        {
            var kindName = entry[ProviderKind.KindKey];
            if (string.IsNullOrWhiteSpace(kindName))
            {
                errors.Add($"{entry.Path}: {ProviderKind.KindKey} is missing; set it to one of {kindList}.");
            }
            else if (kinds.FirstOrDefault(k => string.Equals(k.Name, kindName.Trim(), StringComparison.OrdinalIgnoreCase)) is { } kind)
            {
                entries.Add((entry, kind));
            }
            else
            {
                errors.Add($"{entry.Path}: {ProviderKind.KindKey} '{kindName}' is not one of {kindList}.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
        }

        if (entries.Count == 0)
        {
            // Nothing to register: the host's start (or the first lookup of a provider) says which section was empty.
            var registry = TokenProviderRegistry.From(services);
            registry.EmptySections.Add(configuration is IConfigurationSection section ? section.Path : "(the configuration root)");
            TokenProviderNames.AddLookups(services);
        }

        foreach (var (entry, kind) in entries)
        {
            services.AddTokenProvider(entry.Key, builder =>
            {
                // Validation messages then name settings by their configuration path, as the binder's own do.
                TokenProviderRegistry.From(builder.Services).Get(builder.Name).ConfigurationPath = entry.Path;
                kind.Apply(builder, entry);
                builder.ConfigureProvider(options => TokenProvidersConfiguration.BindCache(entry, builder.Name, options));
                configure?.Invoke(builder);
            });
        }

        return services;
    }
}
