using System.Security.Cryptography.X509Certificates;
using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>What the <c>ClientAssertion</c> section of a standard grant takes, and the start-time checks of its keys.</summary>
internal static class ClientAssertionSettings
{
    /// <summary>The keys of the <c>ClientAssertion</c> section (a certificate object and an assertion source are set in code).</summary>
    public static SettingTable<ClientAssertionOptions> Table() => new SettingTable<ClientAssertionOptions>()
        .Text(nameof(ClientAssertionOptions.SigningKey), static (o, v) => o.SigningKey = v)
        .Text(nameof(ClientAssertionOptions.CertificatePath), static (o, v) => o.CertificatePath = v)
        .Text(nameof(ClientAssertionOptions.CertificatePassword), static (o, v) => o.CertificatePassword = v)
        .Text(nameof(ClientAssertionOptions.CertificateThumbprint), static (o, v) => o.CertificateThumbprint = v)
        .Choice<StoreLocation>(nameof(ClientAssertionOptions.CertificateStoreLocation), static (o, v) => o.CertificateStoreLocation = v)
        .Choice<ClientAssertionAudience>(nameof(ClientAssertionOptions.Audience), static (o, v) => o.Audience = v)
        .Duration(nameof(ClientAssertionOptions.Lifetime), static (o, v) => o.Lifetime = v);

    /// <summary>
    /// private_key_jwt: exactly one key source, no client secret, a key that loads. client_secret_jwt: a secret long
    /// enough for HS256 and no key. Messages name the setting, never a value.
    /// </summary>
    public static void Validate(string providerName, OAuth2ClientOptions options, OptionsErrors errors)
    {
        var assertion = options.ClientAssertion;
        var sources = new[]
        {
            (nameof(assertion.SigningKey), !string.IsNullOrEmpty(assertion.SigningKey)),
            (nameof(assertion.CertificatePath), !string.IsNullOrEmpty(assertion.CertificatePath)),
            (nameof(assertion.CertificateThumbprint), !string.IsNullOrEmpty(assertion.CertificateThumbprint)),
            (nameof(assertion.Certificate), assertion.Certificate is not null),
            (nameof(assertion.Source), assertion.Source is not null),
        }.Where(static s => s.Item2).Select(static s => "ClientAssertion:" + s.Item1).ToList();
        var prefix = $"Token provider '{providerName}':";
        switch (options.ClientAuthentication)
        {
            case ClientAuthenticationMethod.PrivateKeyJwt:
                if (!string.IsNullOrEmpty(options.ClientSecret))
                {
                    errors.Add($"{prefix} ClientAuthentication PrivateKeyJwt signs with a key, not the client secret: set either ClientSecret (with another ClientAuthentication) or a key, not both.");
                }

                if (sources.Count != 1)
                {
                    errors.Add(sources.Count == 0
                        ? $"{prefix} ClientAuthentication PrivateKeyJwt needs a signing key: set one of ClientAssertion:SigningKey, ClientAssertion:CertificatePath, ClientAssertion:CertificateThumbprint, ClientAssertion:Certificate or ClientAssertion:Source."
                        : $"{prefix} set only one signing key source for PrivateKeyJwt; found {string.Join(", ", sources)}.");
                    return;
                }

                break;
            case ClientAuthenticationMethod.ClientSecretJwt:
                if (sources.Count > 0)
                {
                    errors.Add($"{prefix} ClientAuthentication ClientSecretJwt signs with ClientSecret; remove {string.Join(", ", sources)} or use PrivateKeyJwt.");
                    return;
                }

                if (string.IsNullOrEmpty(options.ClientSecret))
                {
                    return;
                }

                break;
            default:
                return;
        }

        errors.RequirePositive("ClientAssertion:" + nameof(assertion.Lifetime), assertion.Lifetime);
        if (assertion.Audience == ClientAssertionAudience.Issuer && options.Authority is null)
        {
            errors.Add($"{prefix} ClientAssertion:Audience Issuer needs Authority (the issuer).");
        }

        try
        {
            AssertionSigningKey.Load(options.ClientAuthentication, options.ClientSecret, assertion);
        }
        catch (InvalidOperationException exception)
        {
            errors.Add($"{prefix} {exception.Message}");
        }
    }
}
