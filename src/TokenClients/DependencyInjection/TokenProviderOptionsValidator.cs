using Microsoft.Extensions.Options;
using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>Checks each provider's policy settings and that a token client was chosen for it.</summary>
internal sealed class TokenProviderOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<TokenProviderOptions>
{
    public static string NoClientMessage(string name) =>
        $"Token provider '{name}' has no token client: call UseClientCredentials, UsePassword, UseAuthorizationCode, a vendor's Use… method or UseTokenClient on its builder.";

    public ValidateOptionsResult Validate(string? name, TokenProviderOptions options)
    {
        if (name is null || !registry.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        if (registry.KindOf(name) is null)
        {
            errors.Add(NoClientMessage(name));
        }

        errors.RequireNonNegative(nameof(options.ClockSkew), options.ClockSkew);
        errors.RequireNonNegative(nameof(options.RefreshBeforeExpiry), options.RefreshBeforeExpiry);
        errors.RequirePositive(nameof(options.RefreshRetryInterval), options.RefreshRetryInterval);
        errors.RequireNonNegative(nameof(options.RejectedTokenCooldown), options.RejectedTokenCooldown);
        if (options.MaxCachedContexts < 1)
        {
            errors.Add($"Token provider '{name}': {nameof(options.MaxCachedContexts)} must be at least 1.");
        }

        return errors.Result;
    }
}
