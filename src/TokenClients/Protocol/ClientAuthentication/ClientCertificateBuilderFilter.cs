using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients.Diagnostics;

namespace TokenClients.Internal;

/// <summary>Whose client certificate an HttpClient presents; set per client name (the token endpoint's, or an API client's through <c>UseClientCertificate</c>).</summary>
internal sealed class ClientCertificateRegistration
{
    public string? ProviderName { get; set; }

    /// <summary>Gets or sets a value indicating whether a provider without a certificate is an error (an API client's <c>UseClientCertificate</c>), not a client without one (the token endpoint's).</summary>
    public bool Required { get; set; }
}

/// <summary>
/// Makes the primary handler of every client that must present a provider's client certificate present it: after all of
/// the client's configuration ran, so a primary handler set in any order (a proxy, a server certificate check) keeps its
/// settings and gains the certificate. A <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/> is found
/// through the delegating handlers around it.
/// </summary>
internal sealed class ClientCertificateBuilderFilter(IOptionsMonitor<ClientCertificateRegistration> registrations) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return builder =>
        {
            next(builder);
            var clientName = builder.Name ?? Options.DefaultName;
            var registration = registrations.Get(clientName);
            if (registration.ProviderName is not { } providerName)
            {
                return;
            }

            var source = builder.Services.GetKeyedService<ClientCertificateSource>(providerName) is { IsConfigured: true } configured ? configured
                : !registration.Required ? null
                : throw new InvalidOperationException(
                    $"HttpClient '{clientName}' presents the client certificate of token provider '{providerName}' (UseClientCertificate), but that provider has no ClientCertificate configured.");
            bool presented;
            try
            {
                presented = source is not null && Present(builder.PrimaryHandler, source.Certificate);
            }
            catch (InvalidOperationException exception)
            {
                // A SocketsHttpHandler that has sent a request can no longer be changed: one instance shared by many clients.
                throw new InvalidOperationException(
                    $"HttpClient '{clientName}' must present the client certificate of token provider '{providerName}', but its primary handler has already sent requests; "
                    + "return a new handler each time from ConfigurePrimaryHttpMessageHandler.", exception);
            }

            if (source is not null && !presented)
            {
                var logger = builder.Services.GetService<ILoggerFactory>()?.CreateLogger("TokenClients.ClientCertificate") ?? NullLogger.Instance;
                Log.ClientCertificateNotPresentable(logger, providerName, clientName, Innermost(builder.PrimaryHandler).GetType().Name);
            }
        };
    }

    /// <summary>Adds, once, the filter that makes clients present certificates.</summary>
    public static void AddTo(IServiceCollection services) =>
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, ClientCertificateBuilderFilter>());

    /// <summary>The handler that opens connections: the innermost of a chain of delegating handlers.</summary>
    public static HttpMessageHandler Innermost(HttpMessageHandler handler)
    {
        for (var depth = 0; depth < 64 && handler is DelegatingHandler { InnerHandler: { } inner }; depth++)
        {
            handler = inner;
        }

        return handler;
    }

    /// <summary>The certificates the connections of <paramref name="handler"/> offer; <see langword="null"/> when its kind is unknown.</summary>
    public static IEnumerable<X509Certificate>? Presented(HttpMessageHandler handler) => Innermost(handler) switch
    {
        SocketsHttpHandler sockets => sockets.SslOptions.ClientCertificates?.Cast<X509Certificate>() ?? [],
        HttpClientHandler client => client.ClientCertificateOptions == ClientCertificateOption.Manual ? client.ClientCertificates.Cast<X509Certificate>() : [],
        _ => null,
    };

    private static bool Present(HttpMessageHandler handler, X509Certificate2 certificate)
    {
        switch (Innermost(handler))
        {
            case SocketsHttpHandler sockets:
                sockets.SslOptions.ClientCertificates = [certificate];

                // The server's list of acceptable issuers is empty for a self-signed certificate: choose it explicitly.
                sockets.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
                return true;
            case HttpClientHandler client:
                client.ClientCertificateOptions = ClientCertificateOption.Manual;
                client.ClientCertificates.Clear();
                client.ClientCertificates.Add(certificate);
                return true;
            default:
                return false;
        }
    }
}
