using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;

namespace TokenClients.DependencyInjection;

/// <summary>The providers registered in one service collection, by name, with the kind of token client each uses.</summary>
internal sealed class TokenProviderRegistry
{
    private readonly Dictionary<string, Registration> _registrations = new(StringComparer.Ordinal);

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

    public bool TryAdd(string name, IHttpStandardResiliencePipelineBuilder resilience) => _registrations.TryAdd(name, new Registration(resilience));

    public Registration Get(string name) => _registrations[name];

    public bool Contains(string name) => _registrations.ContainsKey(name);

    public string? KindOf(string name) => _registrations.TryGetValue(name, out var registration) ? registration.Kind : null;

    internal sealed class Registration(IHttpStandardResiliencePipelineBuilder resilience)
    {
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
