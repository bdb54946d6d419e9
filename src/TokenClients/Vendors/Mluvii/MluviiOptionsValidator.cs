using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Mluvii;

/// <summary>Validates <see cref="MluviiOptions"/> of the providers that use Mluvii.</summary>
internal sealed class MluviiOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<MluviiOptions>
{
    public ValidateOptionsResult Validate(string? name, MluviiOptions options)
    {
        if (name is null || registry.KindOf(name) != MluviiTokenClient.Kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireSecureEndpoint(nameof(options.BaseAddress), options.BaseAddress);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        return errors.Result;
    }
}
