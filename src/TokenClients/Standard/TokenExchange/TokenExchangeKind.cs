using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>The token exchange grant as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class TokenExchangeKind
{
    public const string Name = "TokenExchange";

    public static readonly ProviderKind Configuration = ProviderKind.Create<TokenExchangeOptions>(Name, static (b, o) => b.UseTokenExchange(o),
        SettingTables.OAuth2<TokenExchangeOptions>()
        .Text(nameof(TokenExchangeOptions.SubjectTokenProvider), static (o, v) => o.SubjectTokenProvider = v)
        .Text(nameof(TokenExchangeOptions.SubjectTokenType), static (o, v) => o.SubjectTokenType = v)
        .Text(nameof(TokenExchangeOptions.ActorTokenProvider), static (o, v) => o.ActorTokenProvider = v)
        .Text(nameof(TokenExchangeOptions.ActorTokenType), static (o, v) => o.ActorTokenType = v)
        .Text(nameof(TokenExchangeOptions.RequestedTokenType), static (o, v) => o.RequestedTokenType = v)
        .Text(nameof(TokenExchangeOptions.Audience), static (o, v) => o.Audience = v));
}
