using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Validates one provider's <see cref="CorvidOptions"/>.</summary>
internal sealed class CorvidOptionsValidator(string providerName) : ProviderOptionsValidator<CorvidOptions>(providerName)
{
    protected override void Validate(CorvidOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
