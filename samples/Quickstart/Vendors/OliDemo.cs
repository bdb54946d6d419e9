using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>OLI Systems' API, as an application's typed client.</summary>
internal sealed class OliApi(HttpClient http) : VendorApi(http);

/// <summary>OLI Systems: Keycloak (realm <c>api</c> under the legacy <c>/auth</c> prefix), password grant, then refresh.</summary>
internal sealed class OliDemo() : VendorDemo("OLI", "Oli", "oli", "Keycloak password, then refresh")
{
    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // Username, Password (and Authority, Realm, LegacyAuthPrefix for another Keycloak): OliOptions.
        services.AddTokenProvider("oli", p => p.UseOli(o => section.Bind(o)));
        services.AddHttpClient<OliApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("oli");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var options = new OliEmulatorOptions { AccessTokenLifetime = tokenLifetime };
        var emulator = await OliEmulator.StartAsync(options, cancellationToken);
        var (username, password) = options.Users.First();
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["Realm"] = options.Realm,
            ["LegacyAuthPrefix"] = options.LegacyAuthPrefix.ToString(CultureInfo.InvariantCulture),
            ["Username"] = username,
            ["Password"] = password,
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<OliApi>();
}
