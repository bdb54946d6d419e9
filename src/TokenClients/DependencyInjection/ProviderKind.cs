using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace TokenClients.DependencyInjection;

/// <summary>
/// A <c>Kind</c> value a <c>TokenProviders</c> entry may name, and how the entry becomes the same <c>Use…</c> call a
/// provider registered in code makes. Each kind's folder declares its own; the configuration front door lists them.
/// </summary>
/// <param name="Name">The value of <c>Kind</c>.</param>
/// <param name="Apply">Calls the kind's <c>Use…</c> method with options read from the entry.</param>
internal sealed record ProviderKind(string Name, Action<ITokenProviderBuilder, IConfigurationSection> Apply)
{
    /// <summary>The key that names an entry's kind.</summary>
    public const string KindKey = "Kind";

    /// <summary>The key of an entry's cache policy subsection.</summary>
    public const string CacheKey = "Cache";

    /// <summary>
    /// A kind whose entry is read with <paramref name="settings"/> when the options are first built (on start), so
    /// every configuration source counts; a bad value fails the options' creation as validation does.
    /// </summary>
    /// <typeparam name="TOptions">The kind's options.</typeparam>
    /// <param name="name">The value of <c>Kind</c>.</param>
    /// <param name="use">The kind's <c>Use…</c> method.</param>
    /// <param name="settings">The keys an entry of this kind may set.</param>
    /// <returns>The kind.</returns>
    public static ProviderKind Create<TOptions>(string name, Func<ITokenProviderBuilder, Action<TOptions>, ITokenProviderBuilder> use, SettingTable<TOptions> settings) =>
        new(name, (builder, entry) => use(builder, options =>
        {
            var errors = new List<string>();
            settings.Bind(entry, options, errors, $"a setting of Kind '{name}'", KindKey, CacheKey);
            ThrowIfAny(errors, builder.Name, options);
        }));

    /// <summary>Fails the options' creation the way validation does, so start-up reports it with the other failures.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="errors">The problems found.</param>
    /// <param name="name">The provider name.</param>
    /// <param name="options">The options being built.</param>
    public static void ThrowIfAny<T>(List<string> errors, string name, T options)
    {
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(name, options!.GetType(), errors);
        }
    }
}

/// <summary>The settings tables several kinds share.</summary>
internal static class SettingTables
{
    /// <summary>What every token client's options take: default lifetime and accepted token types.</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <returns>A new table to extend.</returns>
    public static SettingTable<T> TokenClient<T>()
        where T : TokenClientOptions =>
        new SettingTable<T>().Duration(nameof(TokenClientOptions.DefaultTokenLifetime), static (o, v) => o.DefaultTokenLifetime = v)
        .List(nameof(TokenClientOptions.AcceptedTokenTypes), static o => o.AcceptedTokenTypes);

    /// <summary>What every standard grant's options take.</summary>
    /// <typeparam name="T">The grant's options.</typeparam>
    /// <returns>A new table to extend.</returns>
    public static SettingTable<T> OAuth2<T>()
        where T : OAuth2ClientOptions => TokenClient<T>()
        .Url(nameof(OAuth2ClientOptions.Authority), static (o, v) => o.Authority = v)
        .Url(nameof(OAuth2ClientOptions.TokenEndpoint), static (o, v) => o.TokenEndpoint = v)
        .Text(nameof(OAuth2ClientOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(OAuth2ClientOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Choice<ClientAuthenticationMethod>(nameof(OAuth2ClientOptions.ClientAuthentication), static (o, v) => o.ClientAuthentication = v)
        .Section(nameof(OAuth2ClientOptions.ClientAssertion), static o => o.ClientAssertion, ClientAssertionSettings.Table())
        .Section(nameof(OAuth2ClientOptions.ClientCertificate), static o => o.ClientCertificate, ClientCertificateSettings.Table())
        .Section(nameof(OAuth2ClientOptions.DPoP), static o => o.DPoP, DPoPSettings.Table())
        .Text(nameof(OAuth2ClientOptions.Scope), static (o, v) => o.Scope = v)
        .Text(nameof(OAuth2ClientOptions.Resource), static (o, v) => o.Resource = v)
        .Map(nameof(OAuth2ClientOptions.Parameters), static o => o.Parameters);
}
