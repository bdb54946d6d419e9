using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Vendors.JustLogin;

/// <summary>JustLogin as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class JustLoginKind
{
    public const string Name = "JustLogin";

    public static readonly ProviderKind Configuration = ProviderKind.Create<JustLoginOptions>(Name, static (b, o) => b.UseJustLogin(o), SettingTables.TokenClient<JustLoginOptions>()
        .Url(nameof(JustLoginOptions.Authority), static (o, v) => o.Authority = v ?? JustLoginDefaults.BaseAddress)
        .Text(nameof(JustLoginOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(JustLoginOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Url(nameof(JustLoginOptions.RedirectUri), static (o, v) => o.RedirectUri = v)
        .Text(nameof(JustLoginOptions.Scope), static (o, v) => o.Scope = v)
        .Flag(nameof(JustLoginOptions.UsePkce), static (o, v) => o.UsePkce = v)
        .Url("BaseAddress", static (o, v) => o.SetFormerAddress(v ?? JustLoginDefaults.BaseAddress))); // the former name of Authority, still read; Authority wins
}
