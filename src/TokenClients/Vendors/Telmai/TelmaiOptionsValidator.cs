using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Telmai;

/// <summary>Validates one provider's <see cref="TelmaiOptions"/>; the provider uses Telmai.</summary>
internal sealed class TelmaiOptionsValidator(string providerName) : ProviderOptionsValidator<TelmaiOptions>(providerName)
{
    protected override void Validate(TelmaiOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.Username), options.Username);
        errors.RequireValue(nameof(options.Password), options.Password);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
