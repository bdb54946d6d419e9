using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Vendors.Mluvii;

/// <summary>Mluvii as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class MluviiKind
{
    public const string Name = "Mluvii";

    public static readonly ProviderKind Configuration = ProviderKind.Create<MluviiOptions>(Name, static (b, o) => b.UseMluvii(o), SettingTables.TokenClient<MluviiOptions>()
        .Url(nameof(MluviiOptions.Authority), static (o, v) => o.Authority = v ?? MluviiDefaults.CloudAddress)
        .Text(nameof(MluviiOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(MluviiOptions.ClientSecret), static (o, v) => o.ClientSecret = v)
        .Url("BaseAddress", static (o, v) => o.SetFormerAddress(v ?? MluviiDefaults.CloudAddress))); // the former name of Authority, still read; Authority wins
}
