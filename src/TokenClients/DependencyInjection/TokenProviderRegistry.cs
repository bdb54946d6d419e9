using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace TokenClients.DependencyInjection;

/// <summary>
/// The providers registered in one service collection, by name, with the kind of token client each uses. Names are
/// case-insensitive, as configuration keys are: two names that differ only by case are one name, and every lookup finds
/// the spelling the provider was registered with.
/// </summary>
internal sealed class TokenProviderRegistry
{
    private readonly Dictionary<string, Registration> _registrations = new(StringComparer.OrdinalIgnoreCase);

    public static TokenProviderRegistry From(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(TokenProviderRegistry) && descriptor.ImplementationInstance is TokenProviderRegistry existing)
            {
                return existing;
            }
        }

        var registry = new TokenProviderRegistry();
        services.AddSingleton(registry);
        return registry;
    }

    /// <summary>Gets the names as registered, in registration order of first use.</summary>
    public IEnumerable<string> Names => _registrations.Keys;

    /// <summary>Gets the configuration sections given to <c>AddTokenProviders</c> that had no entry.</summary>
    public List<string> EmptySections { get; } = [];

    public bool TryAdd(string name, IHttpStandardResiliencePipelineBuilder resilience) => _registrations.TryAdd(name, new Registration(name, resilience));

    /// <summary>The spelling <paramref name="name"/> was registered with, whatever its case; <see langword="null"/> when no provider has it.</summary>
    public string? Find(string name) => _registrations.TryGetValue(name, out var registration) ? registration.Name : null;

    public string? ConfigurationPathOf(string name) => _registrations.TryGetValue(name, out var registration) ? registration.ConfigurationPath : null;

    public Registration Get(string name) => _registrations[name];

    public bool Contains(string name) => _registrations.ContainsKey(name);

    public string? KindOf(string name) => _registrations.TryGetValue(name, out var registration) ? registration.Kind : null;

    internal sealed class Registration(string name, IHttpStandardResiliencePipelineBuilder resilience)
    {
        public string Name { get; } = name;

        /// <summary>Gets or sets the path of the configuration entry the provider was registered from, if any.</summary>
        public string? ConfigurationPath { get; set; }

        public IHttpStandardResiliencePipelineBuilder Resilience { get; } = resilience;

        public string? Kind { get; set; }
    }
}

/// <summary>The builder behind <see cref="ITokenProviderBuilder"/>.</summary>
internal sealed class TokenProviderBuilder(string name, IServiceCollection services) : ITokenProviderBuilder
{
    public string Name { get; } = name;

    public IServiceCollection Services { get; } = services;
}
