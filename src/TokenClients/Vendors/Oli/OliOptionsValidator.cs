using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Oli;

/// <summary>Validates one provider's <see cref="OliOptions"/>; the provider uses OLI (or another Keycloak realm).</summary>
internal sealed class OliOptionsValidator(string providerName) : ProviderOptionsValidator<OliOptions>(providerName)
{
    protected override void Validate(OliOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.Realm), options.Realm);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.Username), options.Username);
        errors.RequireValue(nameof(options.Password), options.Password);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
