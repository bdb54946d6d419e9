using Microsoft.Extensions.Configuration;
using TokenClients.Custom;
using TokenClients.OAuth2;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.DependencyInjection;

/// <summary>
/// The kinds a <c>TokenProviders</c> entry may name, one line each; every kind's settings, options and <c>Use…</c>
/// method live in its own folder. Also reads an entry's <c>Cache</c> subsection, which every kind shares.
/// </summary>
internal static class TokenProvidersConfiguration
{
    /// <summary>Every kind, in the order messages list them.</summary>
    public static readonly IReadOnlyList<ProviderKind> Kinds =
    [
        MluviiKind.Configuration,
        MoodHoodKind.Configuration,
        TelmaiKind.Configuration,
        OliKind.Configuration,
        JustLoginKind.Configuration,
        ClientCredentialsKind.Configuration,
        PasswordKind.Configuration,
        AuthorizationCodeKind.Configuration,
        CustomKind.Configuration,
        TokenExchangeKind.Configuration,
        DeviceCodeKind.Configuration,
    ];

    private static readonly SettingTable<TokenProviderOptions> CacheSettings = new SettingTable<TokenProviderOptions>()
        .Duration(nameof(TokenProviderOptions.ClockSkew), static (o, v) => o.ClockSkew = v)
        .Duration(nameof(TokenProviderOptions.RefreshBeforeExpiry), static (o, v) => o.RefreshBeforeExpiry = v)
        .Duration(nameof(TokenProviderOptions.RefreshRetryInterval), static (o, v) => o.RefreshRetryInterval = v)
        .Duration(nameof(TokenProviderOptions.RejectedTokenCooldown), static (o, v) => o.RejectedTokenCooldown = v)
        .Number(nameof(TokenProviderOptions.MaxCachedContexts), static (o, v) => o.MaxCachedContexts = v)
        .Flag(nameof(TokenProviderOptions.ReusableRefreshTokens), static (o, v) => o.ReusableRefreshTokens = v);

    /// <summary>Reads the entry's <c>Cache</c> subsection into the provider's <see cref="TokenProviderOptions"/>.</summary>
    public static void BindCache(IConfigurationSection entry, string name, TokenProviderOptions options)
    {
        var cache = entry.GetSection(ProviderKind.CacheKey);
        var errors = new List<string>();
        if (cache.Value is { Length: > 0 })
        {
            errors.Add($"{cache.Path} must be a section, not a single value.");
        }
        else
        {
            CacheSettings.Bind(cache, options, errors, "a setting of " + ProviderKind.CacheKey);
        }

        ProviderKind.ThrowIfAny(errors, name, options);
    }
}
