using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Mluvii;

/// <summary>Validates one provider's <see cref="MluviiOptions"/>; the provider uses Mluvii.</summary>
internal sealed class MluviiOptionsValidator(string providerName) : ProviderOptionsValidator<MluviiOptions>(providerName)
{
    protected override void Validate(MluviiOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
