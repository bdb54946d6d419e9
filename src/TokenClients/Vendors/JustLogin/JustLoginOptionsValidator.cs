using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.JustLogin;

/// <summary>Validates one provider's <see cref="JustLoginOptions"/>; the provider uses JustLogin.</summary>
internal sealed class JustLoginOptionsValidator(string providerName) : ProviderOptionsValidator<JustLoginOptions>(providerName)
{
    protected override void Validate(JustLoginOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        errors.RequireSecureEndpoint(nameof(options.RedirectUri), options.RedirectUri);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
