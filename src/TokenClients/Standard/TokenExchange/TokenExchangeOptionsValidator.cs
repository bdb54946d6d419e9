using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>
/// Validates one provider's <see cref="TokenExchangeOptions"/>: token types are absolute URIs, and the providers named for
/// the subject and actor tokens are registered and are not this one. Longer cycles are found by <see cref="TokenExchangeCycles"/>.
/// </summary>
internal sealed class TokenExchangeOptionsValidator(string providerName, TokenProviderRegistry registry) : OAuth2ClientOptionsValidator<TokenExchangeOptions>(providerName)
{
    protected override void ValidateGrant(TokenExchangeOptions options, OptionsErrors errors)
    {
        RequireTokenType(errors, nameof(options.SubjectTokenType), options.SubjectTokenType);
        RequireTokenType(errors, nameof(options.ActorTokenType), options.ActorTokenType);
        if (options.RequestedTokenType is { Length: > 0 } requested)
        {
            RequireTokenType(errors, nameof(options.RequestedTokenType), requested);
        }

        RequireOtherProvider(errors, nameof(options.SubjectTokenProvider), options.SubjectTokenProvider);
        RequireOtherProvider(errors, nameof(options.ActorTokenProvider), options.ActorTokenProvider);
    }

    private static void RequireTokenType(OptionsErrors errors, string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.AddSetting(setting, "is required.");
        }
        else if (!Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            errors.AddSetting(setting, "is not a token type URI (such as urn:ietf:params:oauth:token-type:access_token).");
        }
    }

    private void RequireOtherProvider(OptionsErrors errors, string setting, string? name)
    {
        if (name is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            errors.AddSetting(setting, "must name a registered token provider.");
        }
        else if (registry.Find(name) is not { } registered)
        {
            errors.AddSetting(setting, $"names no registered token provider ('{name}'); the registered providers are {string.Join(", ", registry.Names.Select(n => $"'{n}'"))}.");
        }
        else if (string.Equals(registered, ProviderName, StringComparison.OrdinalIgnoreCase))
        {
            errors.AddSetting(setting, "names this provider itself: an exchange cannot take its own token (a cycle).");
        }
    }
}
