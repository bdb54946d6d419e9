using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.Caching;
using TokenClients.DependencyInjection;
using TokenClients.Diagnostics;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers named token providers.</summary>
public static class TokenProviderServiceCollectionExtensions
{
    /// <summary>
    /// Registers a token provider under <paramref name="name"/>: an <see cref="ITokenProvider"/> keyed service, its
    /// named <see cref="TokenProviderOptions"/> validated on start, and a resilient HttpClient for its token endpoint.
    /// Choose the token client on the returned builder (<c>UseClientCredentials</c>, <c>UseOli</c>, …).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">
    /// The provider name, unique in the collection. Names are case-insensitive, as configuration keys are: a second
    /// provider named <c>IDP</c> beside <c>idp</c> is refused, and <c>AddTokenHandler("IDP")</c> or a keyed lookup of
    /// <c>"IDP"</c> finds <c>idp</c>.
    /// </param>
    /// <param name="configure">Configures the provider: at least one <c>Use…</c> call.</param>
    /// <returns>The provider's builder.</returns>
    /// <exception cref="InvalidOperationException">A provider with this name, in any case, is already registered.</exception>
    public static ITokenProviderBuilder AddTokenProvider(this IServiceCollection services, string name, Action<ITokenProviderBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var clientName = TokenClientsHttp.ClientName(name);
        string? pipeline = null;
        var httpClient = services
            .AddHttpClient(clientName, client => client.MaxResponseContentBufferSize = TokenClientsHttp.MaxResponseBytes)
            // Token traffic carries secrets (and Telmai's password rides in the URL): no request logging, ours included.
            .RemoveAllLoggers()
            // Outermost: names the timeout that ended a request; refuses redirects.
            .AddHttpMessageHandler(services => new TokenEndpointFailureHandler(ResilienceOf(services, pipeline!)));
        var resilience = httpClient.AddStandardResilienceHandler(options =>
        {
            // Slow identity providers answer in seconds, not milliseconds; the total stays under the shared-cache lock's
            // 60 s lifetime, so a whole token request ends while the lock is still held.
            options.AttemptTimeout.Timeout = TokenClientsHttp.DefaultAttemptTimeout;
            options.TotalRequestTimeout.Timeout = TokenClientsHttp.DefaultTotalTimeout;

            // The circuit breaker's sampling must span at least two attempts.
            options.CircuitBreaker.SamplingDuration = TokenClientsHttp.DefaultAttemptTimeout * 3;

            // Token endpoints see few calls: judge the circuit on a handful of them.
            options.CircuitBreaker.MinimumThroughput = 8;
        });
        pipeline = resilience.PipelineName;

        // Inside the pipeline, innermost last: every attempt counted; one-time credentials never sent twice; the whole
        // body read within the attempt (so its timeouts cover it) and capped.
        httpClient.AddHttpMessageHandler(services => new TokenEndpointAttemptHandler(services.GetRequiredService<TokenProviderRegistry>().KindOf(name)));
        httpClient.AddHttpMessageHandler(services =>
        {
            var providerOptions = services.GetRequiredService<IOptionsMonitor<TokenProviderOptions>>();
            var timeouts = ResilienceOf(services, resilience.PipelineName);
            return new OneTimeCredentialHandler(() => providerOptions.Get(name).ReusableRefreshTokens, () => timeouts().AttemptTimeout.Timeout);
        });
        // A DPoP proof is built for each send of each attempt (a nonce demand is answered inside the attempt), outside the
        // assertion so that a send again with the nonce also gets a new assertion.
        httpClient.AddHttpMessageHandler(services => new DPoPProofHandler(name, TokenClientServices.Logger(services)));
        // A client assertion is built inside each attempt: a resent attempt carries a new jti.
        httpClient.AddHttpMessageHandler(static () => new ClientAssertionHandler());
        httpClient.AddHttpMessageHandler(static () => new ResponseSizeLimitHandler());

        // Token requests never follow redirects (a 307 would carry the client's credentials anywhere). Added after every
        // configuration, so it also applies to a primary handler set with ConfigureTokenHttpClient.
        services.PostConfigure<HttpClientFactoryOptions>(clientName, static options => options.HttpMessageHandlerBuilderActions.Add(static builder =>
        {
            // Set only when on: a primary handler the user shares across rotations is already off, and setting a property of
            // a handler that has sent requests throws.
            switch (builder.PrimaryHandler)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    break;
            }
        }));

        var registry = TokenProviderRegistry.From(services);
        if (!registry.TryAdd(name, resilience))
        {
            throw new InvalidOperationException($"A token provider named '{registry.Find(name)}' is already registered; provider names must be unique, and are case-insensitive ('{name}' is the same name).");
        }

        services.TryAddSingleton(TimeProvider.System);

        // Meters come from the container's IMeterFactory (every host registers one); a container without one records on
        // the process-wide default meter, so a provider always records.
        services.TryAddSingleton(static services => services.GetService<IMeterFactory>() is { } meters ? new TokenClientsMetrics(meters) : TokenClientsMetrics.Default);
        services.TryAddSingleton<ITokenStore, InMemoryTokenStore>();
        DistributedTokenCacheServiceCollectionExtensions.AddCoordinator(services);
        services.AddOptions<TokenProviderOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenProviderOptions>, TokenProviderOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TokenProviderOptions>, TokenClients.Caching.DPoPStoredKeyValidator>());
        TokenProviderNames.AddLookups(services);
        services.AddKeyedSingleton<ITokenProvider>(name, (provider, _) => CreateProvider(provider, name));

        var builder = new TokenProviderBuilder(name, services);
        configure?.Invoke(builder);
        return builder;
    }

    private static Func<HttpStandardResilienceOptions> ResilienceOf(IServiceProvider services, string pipelineName)
    {
        var options = services.GetRequiredService<IOptionsMonitor<HttpStandardResilienceOptions>>();
        return () => options.Get(pipelineName);
    }

    private static TokenProvider CreateProvider(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<TokenProviderOptions>>().Get(name);
        var client = services.GetKeyedService<ITokenClient>(name)
            ?? throw new InvalidOperationException(TokenProviderOptionsValidator.NoClientMessage(name));
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.TokenProvider") ?? NullLogger.Instance;
        var shared = services.GetService<DistributedTokenCoordinator>();
        var signOuts = client.RequiresInteraction ? services.GetService<SharedSignOuts>() : null;
        var provider = new TokenProvider(name, client, options, services.GetRequiredService<TimeProvider>(), logger,
            client.RequiresInteraction ? services.GetRequiredService<ITokenStore>() : null,
            shared is { HasCache: true } or { HasLock: true } ? shared : null)
        {
            Metrics = services.GetRequiredService<TokenClientsMetrics>(),
            SignOuts = signOuts,
        };

        // Subscribed before the provider can cache a user's token: a sign-out elsewhere is never missed for want of it.
        signOuts?.Register(provider);
        return provider;
    }
}
