using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>The checks every standard grant's options share: client, authentication, endpoints, default lifetime; then the grant's own.</summary>
/// <typeparam name="TOptions">The grant's options.</typeparam>
/// <param name="providerName">The provider whose options this validator checks.</param>
internal abstract class OAuth2ClientOptionsValidator<TOptions>(string providerName) : ProviderOptionsValidator<TOptions>(providerName)
    where TOptions : OAuth2ClientOptions
{
    protected sealed override void Validate(TOptions options, OptionsErrors errors)
    {
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        if (options.ClientAuthentication is not (ClientAuthenticationMethod.None or ClientAuthenticationMethod.PrivateKeyJwt) && !ClientCertificateSettings.IsMutualTls(options.ClientAuthentication))
        {
            errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        }

        ClientAssertionSettings.Validate(ProviderName, options, errors);
        ClientCertificateSettings.Validate(options, errors, TimeProvider.System.GetUtcNow());
        DPoPSettings.Validate(options.DPoP, errors);

        if (options.TokenEndpoint is null && options.Authority is null)
        {
            errors.Add($"set {nameof(options.TokenEndpoint)} or {nameof(options.Authority)} (for discovery).");
        }

        errors.RequireSecureEndpoint(nameof(options.TokenEndpoint), options.TokenEndpoint, required: false);
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority, required: false);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        ValidateGrant(options, errors);
    }

    /// <summary>Adds the grant's own checks.</summary>
    /// <param name="options">The provider's options.</param>
    /// <param name="errors">Receives the messages.</param>
    protected virtual void ValidateGrant(TOptions options, OptionsErrors errors)
    {
    }
}
