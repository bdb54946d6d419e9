using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Validates one provider's <see cref="PasswordOptions"/>.</summary>
internal sealed class PasswordOptionsValidator(string providerName) : OAuth2ClientOptionsValidator<PasswordOptions>(providerName)
{
    protected override void ValidateGrant(PasswordOptions options, OptionsErrors errors)
    {
        errors.RequireValue(nameof(options.Username), options.Username);
        errors.RequireValue(nameof(options.Password), options.Password);
    }
}
