using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.MoodHood;

/// <summary>Validates <see cref="MoodHoodOptions"/> of the providers that use MoodHood.</summary>
internal sealed class MoodHoodOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<MoodHoodOptions>
{
    public ValidateOptionsResult Validate(string? name, MoodHoodOptions options)
    {
        if (name is null || registry.KindOf(name) != MoodHoodTokenClient.Kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireSecureEndpoint(nameof(options.BaseAddress), options.BaseAddress);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        if (string.IsNullOrEmpty(options.Username) != string.IsNullOrEmpty(options.Password))
        {
            errors.Add($"Token provider '{name}': set both {nameof(options.Username)} and {nameof(options.Password)} for user tokens, or neither for the client token.");
        }

        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        return errors.Result;
    }
}
