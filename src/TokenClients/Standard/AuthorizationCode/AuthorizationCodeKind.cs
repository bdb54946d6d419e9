using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>The <c>authorization_code</c> grant as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class AuthorizationCodeKind
{
    public const string Name = "AuthorizationCode";

    public static readonly ProviderKind Configuration = ProviderKind.Create<AuthorizationCodeOptions>(Name, static (b, o) => b.UseAuthorizationCode(o),
        SettingTables.OAuth2<AuthorizationCodeOptions>()
        .Url(nameof(AuthorizationCodeOptions.AuthorizeEndpoint), static (o, v) => o.AuthorizeEndpoint = v)
        .Url(nameof(AuthorizationCodeOptions.RedirectUri), static (o, v) => o.RedirectUri = v)
        .Url(nameof(AuthorizationCodeOptions.RevocationEndpoint), static (o, v) => o.RevocationEndpoint = v)
        .Text(nameof(AuthorizationCodeOptions.Issuer), static (o, v) => o.Issuer = v)
        .Flag(nameof(AuthorizationCodeOptions.UsePkce), static (o, v) => o.UsePkce = v)
        .Duration(nameof(AuthorizationCodeOptions.PendingSignInLifetime), static (o, v) => o.PendingSignInLifetime = v)
        .Number(nameof(AuthorizationCodeOptions.MaxPendingSignIns), static (o, v) => o.MaxPendingSignIns = v));
}
