using Microsoft.Extensions.Options;
using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>Checks each provider's policy settings and that a token client was chosen for it.</summary>
internal sealed class TokenProviderOptionsValidator(TokenProviderRegistry registry) : IValidateOptions<TokenProviderOptions>
{
    private const string NoClient = "no token client was chosen: call UseClientCredentials, UsePassword, UseAuthorizationCode, a vendor's Use… method or UseTokenClient on its builder.";

    public static string NoClientMessage(string name) => $"Token provider '{name}': {NoClient}";

    public ValidateOptionsResult Validate(string? name, TokenProviderOptions options)
    {
        if (name is null || !registry.Contains(name))
        {
            return ValidateOptionsResult.Skip;
        }

        // Configured under the entry's Cache subsection when the provider came from configuration.
        var errors = new OptionsErrors(name, registry.ConfigurationPathOf(name) is { } entry ? entry + ":" + ProviderKind.CacheKey : null);
        if (registry.KindOf(name) is null)
        {
            errors.Add(NoClient);
        }

        errors.RequireNonNegative(nameof(options.ClockSkew), options.ClockSkew);
        errors.RequireNonNegative(nameof(options.RefreshBeforeExpiry), options.RefreshBeforeExpiry);
        errors.RequirePositive(nameof(options.RefreshRetryInterval), options.RefreshRetryInterval);
        errors.RequireNonNegative(nameof(options.RejectedTokenCooldown), options.RejectedTokenCooldown);
        if (options.MaxCachedContexts < 1)
        {
            errors.AddSetting(nameof(options.MaxCachedContexts), "must be at least 1.");
        }

        return errors.Result;
    }
}
