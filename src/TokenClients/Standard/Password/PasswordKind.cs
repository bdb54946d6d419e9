using Microsoft.Extensions.DependencyInjection;
using TokenClients.DependencyInjection;

namespace TokenClients.OAuth2;

/// <summary>The resource-owner <c>password</c> grant as a provider kind: its name and what a configuration entry of it may set.</summary>
internal static class PasswordKind
{
    public const string Name = "Password";

    public static readonly ProviderKind Configuration = ProviderKind.Create<PasswordOptions>(Name, static (b, o) => b.UsePassword(o), SettingTables.OAuth2<PasswordOptions>()
        .Text(nameof(PasswordOptions.Username), static (o, v) => o.Username = v)
        .Text(nameof(PasswordOptions.Password), static (o, v) => o.Password = v));
}
