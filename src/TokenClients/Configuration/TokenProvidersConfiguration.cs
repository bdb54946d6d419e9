using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Custom;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.DependencyInjection;

/// <summary>
/// What a <c>TokenProviders</c> entry may say for each <c>Kind</c>, and how it becomes the same <c>Use…</c> call a
/// provider registered in code makes. Values are read when the options are first needed (on start), so every
/// configuration source (JSON, user secrets, environment variables) counts.
/// </summary>
internal static class TokenProvidersConfiguration
{
    public const string KindKey = "Kind";
    public const string CacheKey = "Cache";

    /// <summary>Every kind, in the order messages list them.</summary>
    public static readonly IReadOnlyList<ProviderKind> Kinds =
    [
        new(MluviiTokenClient.Kind, static (b, s) => b.UseMluvii(o => Bind(s, b.Name, o, Mluvii(), MluviiTokenClient.Kind))),
        new(MoodHoodTokenClient.Kind, static (b, s) => b.UseMoodHood(o => Bind(s, b.Name, o, MoodHood(), MoodHoodTokenClient.Kind))),
        new(TelmaiTokenClient.Kind, static (b, s) => b.UseTelmai(o => Bind(s, b.Name, o, Telmai(), TelmaiTokenClient.Kind))),
        new(OliTokenClient.Kind, static (b, s) => b.UseOli(o => Bind(s, b.Name, o, Oli(), OliTokenClient.Kind))),
        new(JustLoginTokenClient.Kind, static (b, s) => b.UseJustLogin(o => Bind(s, b.Name, o, JustLogin(), JustLoginTokenClient.Kind))),
        new("ClientCredentials", static (b, s) => b.UseClientCredentials(o => Bind(s, b.Name, o, OAuth2<ClientCredentialsOptions>(), "ClientCredentials"))),
        new("Password", static (b, s) => b.UsePassword(o => Bind(s, b.Name, o, Password(), "Password"))),
        new("AuthorizationCode", static (b, s) => b.UseAuthorizationCode(o => Bind(s, b.Name, o, AuthorizationCode(), "AuthorizationCode"))),
        new(CustomTokenClient.Kind, static (b, s) => b.UseCustom(o => Bind(s, b.Name, o, CustomEndpoint(), CustomTokenClient.Kind))),
    ];

    private static readonly SettingTable<TokenProviderOptions> CacheSettings = new SettingTable<TokenProviderOptions>()
        .Duration(nameof(TokenProviderOptions.ClockSkew), static (o, v) => o.ClockSkew = v)
        .Duration(nameof(TokenProviderOptions.RefreshBeforeExpiry), static (o, v) => o.RefreshBeforeExpiry = v)
        .Duration(nameof(TokenProviderOptions.RefreshRetryInterval), static (o, v) => o.RefreshRetryInterval = v)
        .Duration(nameof(TokenProviderOptions.RejectedTokenCooldown), static (o, v) => o.RejectedTokenCooldown = v)
        .Number(nameof(TokenProviderOptions.MaxCachedContexts), static (o, v) => o.MaxCachedContexts = v)
        .Flag(nameof(TokenProviderOptions.ReusableRefreshTokens), static (o, v) => o.ReusableRefreshTokens = v);

    public static string KindList => string.Join(", ", Kinds.Select(k => k.Name));

    public static ProviderKind? FindKind(string name) =>
        Kinds.FirstOrDefault(k => string.Equals(k.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the entry's <c>Cache</c> subsection into the provider's <see cref="TokenProviderOptions"/>.</summary>
    public static void BindCache(IConfigurationSection entry, string name, TokenProviderOptions options)
    {
        var cache = entry.GetSection(CacheKey);
        var errors = new List<string>();
        if (cache.Value is { Length: > 0 })
        {
            errors.Add($"{cache.Path} must be a section, not a single value.");
        }
        else
        {
            CacheSettings.Bind(cache, options, errors, "a setting of " + CacheKey);
        }

        ThrowIfAny(errors, name, options);
    }

    private static void Bind<T>(IConfigurationSection entry, string name, T options, SettingTable<T> settings, string kind)
    {
        var errors = new List<string>();
        settings.Bind(entry, options, errors, $"a setting of Kind '{kind}'", KindKey, CacheKey);
        ThrowIfAny(errors, name, options);
    }

    /// <summary>Fails the options' creation the way validation does, so start-up reports it with the other failures.</summary>
    private static void ThrowIfAny<T>(List<string> errors, string name, T options)
    {
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(name, options!.GetType(), errors);
        }
    }

    private static SettingTable<T> Common<T>()
        where T : TokenClientOptions =>
        new SettingTable<T>().Duration(nameof(TokenClientOptions.DefaultTokenLifetime), static (o, v) => o.DefaultTokenLifetime = v)
        .List(nameof(TokenClientOptions.AcceptedTokenTypes), static o => o.AcceptedTokenTypes);

    private static SettingTable<MluviiOptions> Mluvii() => Common<MluviiOptions>()
        .Url(nameof(MluviiOptions.BaseAddress), static (o, v) => o.BaseAddress = v ?? MluviiDefaults.CloudAddress)
        .Text(nameof(MluviiOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(MluviiOptions.ClientSecret), static (o, v) => o.ClientSecret = v);

    private static SettingTable<MoodHoodOptions> MoodHood() => Common<MoodHoodOptions>()
        .Url(nameof(MoodHoodOptions.BaseAddress), static (o, v) => o.BaseAddress = v ?? MoodHoodDefaults.BaseAddress)
        .Text(nameof(MoodHoodOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(MoodHoodOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Text(nameof(MoodHoodOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(MoodHoodOptions.Password), static (o, v) => o.Password = v);

    private static SettingTable<TelmaiOptions> Telmai() => Common<TelmaiOptions>()
        .Url(nameof(TelmaiOptions.AuthEndpoint), static (o, v) => o.AuthEndpoint = v)
        .Text(nameof(TelmaiOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(TelmaiOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(TelmaiOptions.Password), static (o, v) => o.Password = v)
        .Text(nameof(TelmaiOptions.Tenant), static (o, v) => o.Tenant = v);

    private static SettingTable<OliOptions> Oli() => Common<OliOptions>()
        .Url(nameof(OliOptions.ServerAddress), static (o, v) => o.ServerAddress = v ?? OliDefaults.ServerAddress)
        .Text(nameof(OliOptions.Realm), static (o, v) => o.Realm = v)
        .Flag(nameof(OliOptions.LegacyAuthPrefix), static (o, v) => o.LegacyAuthPrefix = v)
        .Flag(nameof(OliOptions.UseDiscovery), static (o, v) => o.UseDiscovery = v)
        .Text(nameof(OliOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(OliOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Text(nameof(OliOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(OliOptions.Password), static (o, v) => o.Password = v);

    private static SettingTable<JustLoginOptions> JustLogin() => Common<JustLoginOptions>()
        .Url(nameof(JustLoginOptions.BaseAddress), static (o, v) => o.BaseAddress = v ?? JustLoginDefaults.BaseAddress)
        .Text(nameof(JustLoginOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(JustLoginOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Url(nameof(JustLoginOptions.RedirectUri), static (o, v) => o.RedirectUri = v)
        .Text(nameof(JustLoginOptions.Scope), static (o, v) => o.Scope = v)
        .Flag(nameof(JustLoginOptions.UsePkce), static (o, v) => o.UsePkce = v);

    private static SettingTable<T> OAuth2<T>()
        where T : OAuth2ClientOptions => Common<T>()
        .Url(nameof(OAuth2ClientOptions.Authority), static (o, v) => o.Authority = v)
        .Url(nameof(OAuth2ClientOptions.TokenEndpoint), static (o, v) => o.TokenEndpoint = v)
        .Text(nameof(OAuth2ClientOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(OAuth2ClientOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Choice<ClientAuthenticationMethod>(nameof(OAuth2ClientOptions.ClientAuthentication), static (o, v) => o.ClientAuthentication = v)
        .Text(nameof(OAuth2ClientOptions.Scope), static (o, v) => o.Scope = v)
        .Text(nameof(OAuth2ClientOptions.Resource), static (o, v) => o.Resource = v)
        .Map(nameof(OAuth2ClientOptions.Parameters), static o => o.Parameters);

    private static SettingTable<PasswordOptions> Password() => OAuth2<PasswordOptions>()
        .Text(nameof(PasswordOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(PasswordOptions.Password), static (o, v) => o.Password = v);

    private static SettingTable<AuthorizationCodeOptions> AuthorizationCode() => OAuth2<AuthorizationCodeOptions>()
        .Url(nameof(AuthorizationCodeOptions.AuthorizeEndpoint), static (o, v) => o.AuthorizeEndpoint = v)
        .Url(nameof(AuthorizationCodeOptions.RedirectUri), static (o, v) => o.RedirectUri = v)
        .Flag(nameof(AuthorizationCodeOptions.UsePkce), static (o, v) => o.UsePkce = v)
        .Duration(nameof(AuthorizationCodeOptions.PendingSignInLifetime), static (o, v) => o.PendingSignInLifetime = v)
        .Number(nameof(AuthorizationCodeOptions.MaxPendingSignIns), static (o, v) => o.MaxPendingSignIns = v);

    private static SettingTable<CustomTokenOptions> CustomEndpoint() => Common<CustomTokenOptions>()
        .Url(nameof(CustomTokenOptions.TokenEndpoint), static (o, v) => o.TokenEndpoint = v)
        .Text(nameof(CustomTokenOptions.GrantType), static (o, v) => o.GrantType = v)
        .Text(nameof(CustomTokenOptions.RefreshGrantType), static (o, v) => o.RefreshGrantType = v)
        .Choice<RequestEncoding>(nameof(CustomTokenOptions.Encoding), static (o, v) => o.Encoding = v)
        .Choice<ClientCredentialPlacement>(nameof(CustomTokenOptions.ClientCredentials), static (o, v) => o.ClientCredentials = v)
        .Text(nameof(CustomTokenOptions.BearerTokenProvider), static (o, v) => o.BearerTokenProvider = v.Length == 0 ? null : v)
        .Text(nameof(CustomTokenOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(CustomTokenOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Text(nameof(CustomTokenOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(CustomTokenOptions.Password), static (o, v) => o.Password = v)
        .Text(nameof(CustomTokenOptions.Scope), static (o, v) => o.Scope = v)
        .Map(nameof(CustomTokenOptions.ParameterNames), static o => o.ParameterNames)
        .Map(nameof(CustomTokenOptions.Parameters), static o => o.Parameters)
        .Map(nameof(CustomTokenOptions.Headers), static o => o.Headers)
        .Text(nameof(CustomTokenOptions.RequestIdParameter), static (o, v) => o.RequestIdParameter = v)
        .Text(nameof(CustomTokenOptions.RequestIdHeader), static (o, v) => o.RequestIdHeader = v)
        .List(nameof(CustomTokenOptions.ParameterOrder), static o => o.ParameterOrder)
        .Section(nameof(CustomTokenOptions.Response), static o => o.Response, ResponseShape());

    private static SettingTable<TokenResponseOptions> ResponseShape() => new SettingTable<TokenResponseOptions>()
        .Text(nameof(TokenResponseOptions.TokenPath), static (o, v) => o.TokenPath = v)
        .Text(nameof(TokenResponseOptions.AccessToken), static (o, v) => o.AccessToken = v)
        .Text(nameof(TokenResponseOptions.ExpiresIn), static (o, v) => o.ExpiresIn = v.Length == 0 ? null : v)
        .Choice<ExpiryFormat>(nameof(TokenResponseOptions.ExpiryFormat), static (o, v) => o.ExpiryFormat = v)
        .Text(nameof(TokenResponseOptions.TokenType), static (o, v) => o.TokenType = v)
        .Text(nameof(TokenResponseOptions.RefreshToken), static (o, v) => o.RefreshToken = v)
        .Text(nameof(TokenResponseOptions.RefreshTokenExpiresIn), static (o, v) => o.RefreshTokenExpiresIn = v.Length == 0 ? null : v)
        .Text(nameof(TokenResponseOptions.Scope), static (o, v) => o.Scope = v)
        .Text(nameof(TokenResponseOptions.Error), static (o, v) => o.Error = v)
        .Text(nameof(TokenResponseOptions.ErrorDescription), static (o, v) => o.ErrorDescription = v);

    /// <summary>A <c>Kind</c> value and the registration it stands for.</summary>
    /// <param name="Name">The value of <c>Kind</c>.</param>
    /// <param name="Apply">Calls the kind's <c>Use…</c> method with options read from the entry.</param>
    internal sealed record ProviderKind(string Name, Action<ITokenProviderBuilder, IConfigurationSection> Apply);
}
