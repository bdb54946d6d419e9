using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses and tunes the token client, cache policy and resilience of a provider.</summary>
public static class TokenProviderBuilderExtensions
{
    /// <summary>Uses your own <see cref="ITokenClient"/>, resolved from the container (constructor injection).</summary>
    /// <typeparam name="TClient">The token client type.</typeparam>
    /// <param name="builder">The provider builder.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseTokenClient<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TClient>(this ITokenProviderBuilder builder)
        where TClient : class, ITokenClient
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddKeyedSingleton<TClient>(builder.Name);
        return builder.UseTokenClient(typeof(TClient).Name, (services, _) => services.GetRequiredKeyedService<TClient>(builder.Name));
    }

    /// <summary>Uses the token client <paramref name="factory"/> creates; the second argument is the provider name.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="kind">A short name of the client kind, used in messages.</param>
    /// <param name="factory">Creates the token client.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The provider already has a token client.</exception>
    public static ITokenProviderBuilder UseTokenClient(this ITokenProviderBuilder builder, string kind, Func<IServiceProvider, string, ITokenClient> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentNullException.ThrowIfNull(factory);
        var registration = TokenProviderRegistry.From(builder.Services).Get(builder.Name);
        if (registration.Kind is { } existing)
        {
            throw new InvalidOperationException($"Token provider '{builder.Name}' already uses {existing}; a provider has one token client.");
        }

        registration.Kind = kind;
        var name = builder.Name;
        builder.Services.AddKeyedSingleton<ITokenClient>(name, (services, _) => factory(services, name));
        return builder;
    }

    /// <summary>Tunes the cache and refresh policy (<see cref="TokenProviderOptions"/>) of the provider.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder ConfigureProvider(this ITokenProviderBuilder builder, Action<TokenProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure(builder.Name, configure);
        return builder;
    }

    /// <summary>
    /// Tunes the resilience pipeline of the token endpoint's HttpClient: retries with backoff and jitter honouring
    /// <c>Retry-After</c>, attempt and total timeouts, circuit breaker. 400 and 401 answers are never retried.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Defaults, chosen for slow identity providers: an attempt timeout of 20 seconds, which covers the whole answer,
    /// body included; a total timeout of 45 seconds for the request with all its retries and back-off, which keeps it
    /// within the 60-second lifetime of the shared-cache lock; a circuit-breaker sampling duration of 60 seconds (at
    /// least twice the attempt timeout, as the pipeline's validation requires: raise it with the attempt timeout).
    /// Every failure ends within the total timeout as a <see cref="TokenRequestException"/> that names its cause.
    /// </para>
    /// <para>
    /// Whatever <c>ShouldHandle</c> is set here, a refresh token (unless <see cref="TokenProviderOptions.ReusableRefreshTokens"/>)
    /// or an authorization code is sent again only when the earlier attempt provably reached nobody (the connection
    /// could not be established); never after an attempt timeout, a 5xx answer or a connection dropped after sending.
    /// An answer over <see cref="TokenClientsHttp.MaxResponseBytes"/> and a redirect are never retried.
    /// </para>
    /// </remarks>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Changes the options.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder ConfigureResilience(this ITokenProviderBuilder builder, Action<HttpStandardResilienceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        TokenProviderRegistry.From(builder.Services).Get(builder.Name).Resilience.Configure(configure);
        return builder;
    }

    /// <summary>Configures the token endpoint's HttpClient further (for example a primary handler or a proxy).</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Changes the HttpClient registration.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder ConfigureTokenHttpClient(this ITokenProviderBuilder builder, Action<IHttpClientBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(builder.Services.AddHttpClient(TokenClientsHttp.ClientName(builder.Name)));
        return builder;
    }

    /// <summary>Registers the provider's named options of a token client, validated on start by <paramref name="validator"/>, which is bound to this provider.</summary>
    internal static void AddClientOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(this ITokenProviderBuilder builder, Action<TOptions> configure, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<TOptions>(builder.Name).Configure(configure).ValidateOnStart();
        if (validator is ProviderOptionsValidator<TOptions> providerValidator)
        {
            providerValidator.ConfigurationPath = TokenProviderRegistry.From(builder.Services).ConfigurationPathOf(builder.Name);
        }

        builder.Services.AddSingleton(validator);
        if (typeof(OAuth2ClientOptions).IsAssignableFrom(typeof(TOptions)))
        {
            ClientCertificateSettings.Register<TOptions>(builder);
        }
    }
}
