using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.Custom;

/// <summary>Validates one provider's <see cref="CustomTokenOptions"/>.</summary>
/// <param name="providerName">The provider whose options this validator checks.</param>
/// <param name="registry">The registered providers, which a <see cref="CustomTokenOptions.BearerTokenProvider"/> must name.</param>
internal sealed class CustomOptionsValidator(string providerName, TokenProviderRegistry registry) : ProviderOptionsValidator<CustomTokenOptions>(providerName)
{
    protected override void Validate(CustomTokenOptions options, OptionsErrors errors)
    {
        var name = ProviderName;
        errors.RequireSecureEndpoint(nameof(options.TokenEndpoint), options.TokenEndpoint);
        errors.RequireValue(nameof(options.GrantType), options.GrantType);
        errors.RequireValue($"{nameof(options.Response)}.{nameof(options.Response.AccessToken)}", options.Response.AccessToken);
        if (options.ClientCredentials != ClientCredentialPlacement.None)
        {
            errors.RequireValue(nameof(options.ClientId), options.ClientId);
        }

        if (options.ClientCredentials == ClientCredentialPlacement.Basic)
        {
            errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        }

        if (options.BearerTokenProvider is { } bearer && (string.Equals(bearer, name, StringComparison.OrdinalIgnoreCase) || !registry.Contains(bearer)))
        {
            errors.AddSetting(nameof(options.BearerTokenProvider), $"'{bearer}' must name another registered provider.");
        }

        if (options.RequestIdParameter is { Length: > 0 } idParameter && options.Parameters.ContainsKey(idParameter))
        {
            errors.AddSetting(nameof(options.RequestIdParameter), $"'{idParameter}' is also among {nameof(options.Parameters)}; send it once.");
        }

        if (options.RequestIdHeader is { Length: > 0 } idHeader && options.Headers.ContainsKey(idHeader))
        {
            errors.AddSetting(nameof(options.RequestIdHeader), $"'{idHeader}' is also among {nameof(options.Headers)}; send it once.");
        }

        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
    }
}
