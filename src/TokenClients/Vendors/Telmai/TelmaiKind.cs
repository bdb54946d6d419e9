using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.Vendors.Telmai;

/// <summary>Telmai as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class TelmaiKind
{
    public const string Name = "Telmai";

    public static readonly ProviderKind Configuration = ProviderKind.Create<TelmaiOptions>(Name, static (b, o) => b.UseTelmai(o), SettingTables.TokenClient<TelmaiOptions>()
        .Url(nameof(TelmaiOptions.Authority), static (o, v) => o.Authority = v)
        .Text(nameof(TelmaiOptions.ClientId), static (o, v) => o.ClientId = v)
        .Text(nameof(TelmaiOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(TelmaiOptions.Password), static (o, v) => o.Password = v)
        .Text(nameof(TelmaiOptions.Tenant), static (o, v) => o.Tenant = v)
        .Url("AuthEndpoint", static (o, v) => o.SetFormerAddress(v))); // the former name of Authority, still read; Authority wins
}
