using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>The <c>client_credentials</c> grant as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class ClientCredentialsKind
{
    public const string Name = "ClientCredentials";

    public static readonly ProviderKind Configuration =
        ProviderKind.Create<ClientCredentialsOptions>(Name, static (b, o) => b.UseClientCredentials(o), SettingTables.OAuth2<ClientCredentialsOptions>());
}
