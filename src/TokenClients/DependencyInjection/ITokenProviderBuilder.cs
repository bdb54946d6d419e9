namespace TokenClients;

/// <summary>Configures one named token provider; returned by <c>AddTokenProvider</c>.</summary>
public interface ITokenProviderBuilder
{
    /// <summary>Gets the provider name.</summary>
    string Name { get; }

    /// <summary>Gets the service collection the provider is registered in.</summary>
    Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }
}
