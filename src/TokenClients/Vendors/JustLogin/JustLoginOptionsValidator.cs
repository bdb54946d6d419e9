using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.JustLogin;

/// <summary>Validates <see cref="JustLoginOptions"/> of the providers that use JustLogin.</summary>
internal sealed class JustLoginOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<JustLoginOptions>
{
    public ValidateOptionsResult Validate(string? name, JustLoginOptions options)
    {
        if (name is null || registry.KindOf(name) != JustLoginTokenClient.Kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireSecureEndpoint(nameof(options.BaseAddress), options.BaseAddress);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        errors.RequireSecureEndpoint(nameof(options.RedirectUri), options.RedirectUri);

        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        return errors.Result;
    }
}
