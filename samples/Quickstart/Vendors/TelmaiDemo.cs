using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>Telmai's API, as an application's typed client.</summary>
internal sealed class TelmaiApi(HttpClient http) : VendorApi(http);

/// <summary>Telmai: password grant with every parameter in the query string, <c>expires</c> for the lifetime, then refresh.</summary>
internal sealed class TelmaiDemo() : VendorDemo("Telmai", "Telmai", "telmai", "password, in the query string")
{
    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // Authority, ClientId, Username, Password, Tenant: TelmaiOptions.
        services.AddTokenProvider("telmai", p => p.UseTelmai(o => section.Bind(o)));
        services.AddHttpClient<TelmaiApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("telmai");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var options = new TelmaiEmulatorOptions { AccessTokenLifetime = tokenLifetime, Tenant = "acme" };
        var emulator = await TelmaiEmulator.StartAsync(options, cancellationToken);
        var (username, password) = options.Users.First();
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["ClientId"] = options.ClientId,
            ["Username"] = username,
            ["Password"] = password,
            ["Tenant"] = options.Tenant,
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<TelmaiApi>();
}
