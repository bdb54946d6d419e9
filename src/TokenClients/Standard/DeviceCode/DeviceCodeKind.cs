using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>The device authorization grant as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class DeviceCodeKind
{
    public const string Name = "DeviceCode";

    public static readonly ProviderKind Configuration = ProviderKind.Create<DeviceCodeOptions>(Name, static (b, o) => b.UseDeviceCode(o),
        SettingTables.OAuth2<DeviceCodeOptions>()
        .Url(nameof(DeviceCodeOptions.DeviceAuthorizationEndpoint), static (o, v) => o.DeviceAuthorizationEndpoint = v));
}
