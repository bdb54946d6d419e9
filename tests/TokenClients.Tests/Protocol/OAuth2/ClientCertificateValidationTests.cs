using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.OAuth2;

/// <summary>The client certificate of mutual TLS (RFC 8705) is checked on start: it loads, holds its key, is valid; messages name the setting, never a secret.</summary>
public sealed class ClientCertificateValidationTests
{
    private const string TokenUrl = "https://idp.example/connect/token";

    [Fact]
    public void Tls_client_auth_without_a_certificate_fails_on_start_naming_the_setting()
    {
        var message = Validate(o => o.ClientAuthentication = ClientAuthenticationMethod.TlsClientAuth);

        Assert.Contains("Token provider 'idp': ClientCertificate is required by ClientAuthentication TlsClientAuth", message, StringComparison.Ordinal);
        Assert.DoesNotContain("ClientSecret is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_file_that_is_missing_fails_on_start_with_its_configuration_path()
    {
        var message = ValidateConfiguration(("idp:ClientCertificate:Path", "/nowhere/client.pfx"), ("idp:ClientCertificate:Password", "pfx-password-7d1e"));

        Assert.Contains("TokenProviders:idp:ClientCertificate:Path could not be read as a PKCS#12 file with its password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("pfx-password-7d1e", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_file_with_a_wrong_password_fails_on_start_and_never_quotes_the_password()
    {
        using var certificate = TestCertificates.Create();
        using var file = TestCertificates.TempFile.Pfx(certificate, "right-password");

        var message = Validate(o =>
        {
            o.ClientCertificate.Path = file.Path;
            o.ClientCertificate.Password = "wrong-password-39c";
        });

        Assert.Contains("ClientCertificate.Path could not be read as a PKCS#12 file with its password", message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-39c", message, StringComparison.Ordinal);
        Assert.DoesNotContain("right-password", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_its_private_key_fails_on_start()
    {
        using var withKey = TestCertificates.Create();
        using var publicOnly = X509CertificateLoader.LoadCertificate(withKey.Export(X509ContentType.Cert));

        var message = Validate(o => o.ClientCertificate.Certificate = publicOnly);

        Assert.Contains("ClientCertificate.Certificate names a certificate without its private key", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expired_certificate_fails_on_start_saying_when_it_was_valid()
    {
        using var expired = TestCertificates.Create(notBefore: new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), notAfter: new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var file = TestCertificates.TempFile.Pfx(expired, null);

        var message = ValidateConfiguration(("idp:ClientAuthentication", "SelfSignedTlsClientAuth"), ("idp:ClientCertificate:Path", file.Path));

        Assert.Contains("TokenProviders:idp:ClientCertificate:Path names a certificate that is not valid now (valid from 2020-01-01 00:00:00Z to 2021-01-01 00:00:00Z)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_certificate_sources_fail_on_start_naming_both()
    {
        using var certificate = TestCertificates.Create();

        var message = Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
            o.ClientCertificate.Certificate = certificate;
            o.ClientCertificate.Thumbprint = "00112233445566778899AABBCCDDEEFF00112233";
        });

        Assert.Contains("ClientCertificate must have one source; found ClientCertificate:Thumbprint, ClientCertificate:Certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutual_tls_with_a_client_secret_too_fails_on_start()
    {
        using var certificate = TestCertificates.Create();

        var message = Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.TlsClientAuth;
            o.ClientCertificate.Certificate = certificate;
            o.ClientSecret = "secret-in-the-way";
        });

        Assert.Contains("ClientSecret must not be set with ClientAuthentication TlsClientAuth", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-in-the-way", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pem_certificate_and_key_from_configuration_load_and_the_key_never_reaches_a_message()
    {
        using var certificate = TestCertificates.Create();
        using var pem = TestCertificates.TempFile.Text(certificate.ExportCertificatePem(), ".pem");
        var keyText = certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();
        using var key = TestCertificates.TempFile.Text(keyText, ".key");
        using var otherKey = TestCertificates.TempFile.Text(RSA.Create(2048).ExportPkcs8PrivateKeyPem(), ".key");

        Assert.Null(ValidateConfiguration(("idp:ClientAuthentication", "TlsClientAuth"), ("idp:ClientCertificate:Path", pem.Path), ("idp:ClientCertificate:KeyPath", key.Path)));
        var mismatch = ValidateConfiguration(("idp:ClientAuthentication", "TlsClientAuth"), ("idp:ClientCertificate:Path", pem.Path), ("idp:ClientCertificate:KeyPath", otherKey.Path));

        Assert.Contains("TokenProviders:idp:ClientCertificate:Path could not be read with ClientCertificate:KeyPath as a PEM certificate and its private key", mismatch, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", mismatch, StringComparison.Ordinal);
        Assert.DoesNotContain(keyText.Split('\n')[1], mismatch, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_pem_key_loads_with_its_password_and_fails_without_it()
    {
        using var certificate = TestCertificates.Create();
        using var pem = TestCertificates.TempFile.Text(certificate.ExportCertificatePem(), ".pem");
        using var key = TestCertificates.TempFile.Text(
            certificate.GetRSAPrivateKey()!.ExportEncryptedPkcs8PrivateKeyPem("key-password-6b2", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)), ".key");

        Assert.Null(ValidateConfiguration(("idp:ClientAuthentication", "TlsClientAuth"), ("idp:ClientCertificate:Path", pem.Path), ("idp:ClientCertificate:KeyPath", key.Path),
            ("idp:ClientCertificate:Password", "key-password-6b2")));
        var wrong = ValidateConfiguration(("idp:ClientAuthentication", "TlsClientAuth"), ("idp:ClientCertificate:Path", pem.Path), ("idp:ClientCertificate:KeyPath", key.Path));

        Assert.Contains("TokenProviders:idp:ClientCertificate:Path could not be read with ClientCertificate:KeyPath", wrong, StringComparison.Ordinal);
    }

    [Fact]
    public void Bound_access_tokens_without_a_certificate_fail_on_start()
    {
        var message = ValidateConfiguration(("idp:ClientSecret", "s"), ("idp:ClientCertificate:BoundAccessTokens", "true"));

        Assert.Contains("TokenProviders:idp:ClientCertificate:BoundAccessTokens needs a certificate", message, StringComparison.Ordinal);
    }

    private static string Validate(Action<ClientCredentialsOptions> configure)
    {
        var harness = new Harness();
        try
        {
            harness.AddProvider("idp", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri(TokenUrl);
                o.ClientId = "c";
                configure(o);
            }));
            return Assert.Throws<OptionsValidationException>(harness.Provider.GetRequiredService<IStartupValidator>().Validate).Message;
        }
        finally
        {
            harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static string? ValidateConfiguration(params (string Key, string Value)[] values)
    {
        var harness = new Harness();
        try
        {
            var settings = new List<(string Key, string Value)> { ("idp:Kind", "ClientCredentials"), ("idp:TokenEndpoint", TokenUrl), ("idp:ClientId", "c") };
            settings.AddRange(values);
            harness.Services.AddTokenProviders(new ConfigurationBuilder()
                .AddInMemoryCollection(settings.Select(v => new KeyValuePair<string, string?>("TokenProviders:" + v.Key, v.Value)))
                .Build()
                .GetSection("TokenProviders"));
            return Record.Exception(harness.Provider.GetRequiredService<IStartupValidator>().Validate)?.Message;
        }
        finally
        {
            harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
