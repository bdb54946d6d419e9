using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Custom;

/// <summary>A token endpoint described by <see cref="CustomTokenOptions"/> as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class CustomKind
{
    public const string Name = "Custom";

    public static readonly ProviderKind Configuration = ProviderKind.Create<CustomTokenOptions>(Name, static (b, o) => b.UseCustom(o),
        SettingTables.TokenClient<CustomTokenOptions>()
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
        .Section(nameof(CustomTokenOptions.Response), static o => o.Response, ResponseShape()));

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
}
