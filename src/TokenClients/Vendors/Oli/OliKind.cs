using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Vendors.Oli;

/// <summary>Oli as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class OliKind
{
    public const string Name = "Oli";

    public static readonly ProviderKind Configuration = ProviderKind.Create<OliOptions>(Name, static (b, o) => b.UseOli(o), SettingTables.TokenClient<OliOptions>()
        .Url(nameof(OliOptions.Authority), static (o, v) => o.Authority = v ?? OliDefaults.ServerAddress)
        .Text(nameof(OliOptions.Realm), static (o, v) => o.Realm = v)
        .Flag(nameof(OliOptions.LegacyAuthPrefix), static (o, v) => o.LegacyAuthPrefix = v)
        .Flag(nameof(OliOptions.UseDiscovery), static (o, v) => o.UseDiscovery = v)
        .Text(nameof(OliOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(OliOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Text(nameof(OliOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(OliOptions.Password), static (o, v) => o.Password = v)
        .Url("ServerAddress", static (o, v) => o.SetFormerAddress(v ?? OliDefaults.ServerAddress))); // the former name of Authority, still read; Authority wins
}
