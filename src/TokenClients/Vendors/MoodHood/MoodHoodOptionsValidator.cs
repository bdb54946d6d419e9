using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.MoodHood;

/// <summary>Validates one provider's <see cref="MoodHoodOptions"/>; the provider uses MoodHood.</summary>
internal sealed class MoodHoodOptionsValidator(string providerName) : ProviderOptionsValidator<MoodHoodOptions>(providerName)
{
    protected override void Validate(MoodHoodOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            errors.Add($"set both {nameof(options.Username)} and {nameof(options.Password)} for user tokens, or neither for the client token.");
        }

        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
