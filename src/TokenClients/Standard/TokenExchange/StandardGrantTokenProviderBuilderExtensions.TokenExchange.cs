using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.Caching;
using TokenClients.DependencyInjection;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

public static partial class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses the token exchange grant (RFC 8693): trades a subject token, from the provider named by
    /// <see cref="TokenExchangeOptions.SubjectTokenProvider"/> or from each request's <see cref="TokenContext"/>
    /// (<see cref="TokenExchangeOptions.SubjectTokenParameter"/>), for a token of this provider's audience, resource and
    /// scope. Exchanged tokens are cached per subject token (under its hash): a new subject token is exchanged anew.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoint (or authority), the client, the subject token's source and what to ask for.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseTokenExchange(this ITokenProviderBuilder builder, Action<TokenExchangeOptions> configure)
    {
        builder.AddClientOptions(configure, new TokenExchangeOptionsValidator(builder.Name, TokenProviderRegistry.From(builder.Services)));
        builder.Services.AddKeyedSingleton(builder.Name, static (services, key) =>
        {
            var name = (string)key!;
            return new TokenExchangeSubjects(name, TokenClientServices.Options<TokenExchangeOptions>(services, name), services,
                services.GetRequiredService<IOptionsMonitor<TokenProviderOptions>>().Get(name).MaxCachedContexts);
        });
        TokenExchangeCycles.Add(builder.Services);

        // The provider stays the one every kind gets; it is asked with the subject token's hash in the context.
        var registered = builder.Services.LastOrDefault(d => d.ServiceType == typeof(ITokenProvider) && d.IsKeyedService && Equals(d.ServiceKey, builder.Name))
            ?? throw new InvalidOperationException($"Token provider '{builder.Name}' is not registered; call UseTokenExchange on the builder AddTokenProvider returns.");
        var create = registered.KeyedImplementationFactory!;
        builder.Services.Remove(registered);
        builder.Services.AddKeyedSingleton<ITokenProvider>(builder.Name, (services, key) =>
            new TokenExchangeProvider((TokenProvider)create(services, key), services.GetRequiredKeyedService<TokenExchangeSubjects>(key), services));
        return builder.UseTokenClient(TokenExchangeKind.Name, static (services, name) => new TokenExchangeTokenClient(
            name, TokenClientServices.Options<TokenExchangeOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services), services.GetRequiredKeyedService<TokenExchangeSubjects>(name).ResolveAsync));
    }
}
