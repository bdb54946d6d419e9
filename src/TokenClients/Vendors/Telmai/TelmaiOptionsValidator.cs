using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Telmai;

/// <summary>Validates <see cref="TelmaiOptions"/> of the providers that use Telmai.</summary>
internal sealed class TelmaiOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<TelmaiOptions>
{
    public ValidateOptionsResult Validate(string? name, TelmaiOptions options)
    {
        if (name is null || registry.KindOf(name) != TelmaiTokenClient.Kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireSecureEndpoint(nameof(options.AuthEndpoint), options.AuthEndpoint);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.Username), options.Username);
        errors.RequireValue(nameof(options.Password), options.Password);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        return errors.Result;
    }
}
