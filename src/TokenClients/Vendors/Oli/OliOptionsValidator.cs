using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Vendors.Oli;

/// <summary>Validates <see cref="OliOptions"/> of the providers that use OLI (or another Keycloak realm).</summary>
internal sealed class OliOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<OliOptions>
{
    public ValidateOptionsResult Validate(string? name, OliOptions options)
    {
        if (name is null || registry.KindOf(name) != OliTokenClient.Kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireSecureEndpoint(nameof(options.ServerAddress), options.ServerAddress);
        errors.RequireValue(nameof(options.Realm), options.Realm);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        errors.RequireValue(nameof(options.Username), options.Username);
        errors.RequireValue(nameof(options.Password), options.Password);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        return errors.Result;
    }
}
