using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>What the <c>ClientCertificate</c> section of a standard grant takes, its start-time checks, and its registration.</summary>
internal static class ClientCertificateSettings
{
    /// <summary>The keys of the <c>ClientCertificate</c> section (a certificate object is set in code).</summary>
    public static SettingTable<ClientCertificateOptions> Table() => new SettingTable<ClientCertificateOptions>()
        .Text(nameof(ClientCertificateOptions.Path), static (o, v) => o.Path = v)
        .Text(nameof(ClientCertificateOptions.KeyPath), static (o, v) => o.KeyPath = v)
        .Text(nameof(ClientCertificateOptions.Password), static (o, v) => o.Password = v)
        .Text(nameof(ClientCertificateOptions.Thumbprint), static (o, v) => o.Thumbprint = v)
        .Choice<StoreLocation>(nameof(ClientCertificateOptions.StoreLocation), static (o, v) => o.StoreLocation = v)
        .Flag(nameof(ClientCertificateOptions.BoundAccessTokens), static (o, v) => o.BoundAccessTokens = v);

    /// <summary>Whether <paramref name="method"/> authenticates the client by its TLS certificate (RFC 8705 section 2).</summary>
    public static bool IsMutualTls(ClientAuthenticationMethod method) =>
        method is ClientAuthenticationMethod.TlsClientAuth or ClientAuthenticationMethod.SelfSignedTlsClientAuth;

    /// <summary>
    /// Registers the provider's certificate source and makes its token endpoint's HttpClient present the certificate,
    /// when the provider's options are a standard grant's (other kinds have no <c>ClientCertificate</c>).
    /// </summary>
    public static void Register<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions>(ITokenProviderBuilder builder)
        where TOptions : class
    {
        var name = builder.Name;
        builder.Services.TryAddKeyedSingleton(name, (services, _) => new ClientCertificateSource(name,
            () => (services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(name) as OAuth2ClientOptions)?.ClientCertificate));
        builder.Services.Configure<ClientCertificateRegistration>(TokenClientsHttp.ClientName(name), r => r.ProviderName = name);
        ClientCertificateBuilderFilter.AddTo(builder.Services);
    }

    /// <summary>
    /// tls_client_auth and self_signed_tls_client_auth need a certificate, and no secret; a certificate must load, hold a
    /// private key and be valid now. Messages name the setting by its configuration path, never a value.
    /// </summary>
    public static void Validate(OAuth2ClientOptions options, OptionsErrors errors, DateTimeOffset now)
    {
        var certificate = options.ClientCertificate;
        var sources = new[]
        {
            (nameof(certificate.Path), !string.IsNullOrEmpty(certificate.Path)),
            (nameof(certificate.Thumbprint), !string.IsNullOrEmpty(certificate.Thumbprint)),
            (nameof(certificate.Certificate), certificate.Certificate is not null),
        }.Where(static s => s.Item2).Select(static s => "ClientCertificate:" + s.Item1).ToList();
        var mutualTls = IsMutualTls(options.ClientAuthentication);
        if (mutualTls && !string.IsNullOrEmpty(options.ClientSecret))
        {
            errors.AddSetting(nameof(options.ClientSecret), $"must not be set with ClientAuthentication {options.ClientAuthentication}: the client proves itself with its certificate.");
        }

        if (sources.Count == 0)
        {
            if (mutualTls)
            {
                errors.AddSetting(nameof(options.ClientCertificate), $"is required by ClientAuthentication {options.ClientAuthentication}: set ClientCertificate:Path, ClientCertificate:Thumbprint or ClientCertificate:Certificate.");
            }
            else if (certificate.BoundAccessTokens)
            {
                errors.AddSetting("ClientCertificate.BoundAccessTokens", "needs a certificate: set ClientCertificate:Path, ClientCertificate:Thumbprint or ClientCertificate:Certificate.");
            }

            return;
        }

        if (sources.Count > 1)
        {
            errors.AddSetting(nameof(options.ClientCertificate), $"must have one source; found {string.Join(", ", sources)}.");
            return;
        }

        if (!string.IsNullOrEmpty(certificate.KeyPath) && string.IsNullOrEmpty(certificate.Path))
        {
            errors.AddSetting("ClientCertificate.KeyPath", "needs ClientCertificate:Path (the PEM certificate of the key).");
            return;
        }

        Check(certificate, errors, now);
    }

    private static void Check(ClientCertificateOptions settings, OptionsErrors errors, DateTimeOffset now)
    {
        var setting = settings.Certificate is not null ? "ClientCertificate.Certificate" : !string.IsNullOrEmpty(settings.Path) ? "ClientCertificate.Path" : "ClientCertificate.Thumbprint";
        X509Certificate2 certificate;
        try
        {
            certificate = settings.Certificate ?? ClientCertificateSource.Load(settings);
        }
        catch (InvalidOperationException exception)
        {
            // The loader's message starts with the setting's name: keep what follows it.
            var message = exception.Message;
            var reason = message.StartsWith("ClientCertificate:", StringComparison.Ordinal) && message.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space
                ? message[(space + 1)..]
                : message;
            errors.AddSetting(setting, reason);
            return;
        }

        try
        {
            if (!certificate.HasPrivateKey)
            {
                errors.AddSetting(setting, "names a certificate without its private key; mutual TLS needs the key (a PKCS#12 file with it, or KeyPath for a PEM certificate).");
            }

            if (now > certificate.NotAfter.ToUniversalTime() || now < certificate.NotBefore.ToUniversalTime())
            {
                errors.AddSetting(setting, $"names a certificate that is not valid now (valid from {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}).");
            }
        }
        finally
        {
            if (settings.Certificate is null)
            {
                certificate.Dispose();
            }
        }
    }
}
