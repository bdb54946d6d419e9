using TokenClients.DependencyInjection;

namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Corvid as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class CorvidKind
{
    public const string Name = "Corvid";

    public static readonly ProviderKind Configuration = ProviderKind.Create<CorvidOptions>(Name, static (b, o) => b.UseCorvid(o), SettingTables.TokenClient<CorvidOptions>()
        .Url(nameof(CorvidOptions.Authority), static (o, v) => o.Authority = v ?? CorvidDefaults.Authority)
        .Text(nameof(CorvidOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(CorvidOptions.ClientSecret), static (o, v) => o.ClientSecret = v));
}
