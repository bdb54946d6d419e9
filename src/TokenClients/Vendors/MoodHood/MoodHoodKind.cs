using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Vendors.MoodHood;

/// <summary>MoodHood as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class MoodHoodKind
{
    public const string Name = "MoodHood";

    public static readonly ProviderKind Configuration = ProviderKind.Create<MoodHoodOptions>(Name, static (b, o) => b.UseMoodHood(o), SettingTables.TokenClient<MoodHoodOptions>()
        .Url(nameof(MoodHoodOptions.Authority), static (o, v) => o.Authority = v ?? MoodHoodDefaults.BaseAddress)
        .Text(nameof(MoodHoodOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(MoodHoodOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Text(nameof(MoodHoodOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(MoodHoodOptions.Password), static (o, v) => o.Password = v)
        .Flag(nameof(MoodHoodOptions.UseRefreshTokens), static (o, v) => o.UseRefreshTokens = v)
        .Url("BaseAddress", static (o, v) => o.SetFormerAddress(v ?? MoodHoodDefaults.BaseAddress))); // the former name of Authority, still read; Authority wins
}
