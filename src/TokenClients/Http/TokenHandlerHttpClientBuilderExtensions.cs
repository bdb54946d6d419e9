using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using TokenClients;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches a provider's tokens to an HttpClient.</summary>
public static class TokenHandlerHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a <see cref="TokenHandler"/> that puts the named provider's token on every request of this client
    /// whose origin is the client's <c>BaseAddress</c> or one of <see cref="TokenHandlerOptions.AllowedOrigins"/>.
    /// A request to another origin is sent without it (and logs a warning). With neither set, and without
    /// <see cref="TokenHandlerOptions.AllowAnyOrigin"/>, every request fails with an <see cref="InvalidOperationException"/>
    /// that says what to configure; a <c>BaseAddress</c> set in a typed client's constructor is set too late to be seen
    /// here, so set it where the client is registered. A redirect never carries it to another origin, and a
    /// 401 from an origin a redirect led to is returned as it is: no new token is fetched and nothing is resent there.
    /// </summary>
    /// <remarks>
    /// <para>The handler sits innermost, directly around the client's primary handler, whatever the order of the
    /// client's configuration: every other handler of the client (its own <c>AddHttpMessageHandler</c> handlers,
    /// resilience, the framework's HttpClient logging) runs before the token is attached and after it is removed
    /// again. The framework's Trace-level header logging therefore never holds the token, not even in the
    /// structured state a sink exports, and a handler that rewrites the request's address does so before the origin
    /// is checked. A handler that must read the <c>Authorization</c> header cannot be placed inside it.</para>
    /// <para>Calling it again for the same client replaces the provider.</para>
    /// </remarks>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="providerName">The name the provider was registered under with <c>AddTokenProvider</c>.</param>
    /// <param name="configure">Names further origins that may receive the token.</param>
    /// <returns>The HttpClient builder.</returns>
    public static IHttpClientBuilder AddTokenHandler(this IHttpClientBuilder builder, string providerName, Action<TokenHandlerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName);
        var clientName = builder.Name;
        if (configure is not null)
        {
            builder.Services.Configure(clientName, configure);
        }

        builder.Services.Configure<TokenHandlerRegistration>(clientName, r => r.ProviderName = providerName);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, TokenHandlerBuilderFilter>());
        return builder;
    }
}
