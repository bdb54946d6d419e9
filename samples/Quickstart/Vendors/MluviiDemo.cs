using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>Mluvii's API, as an application's typed client.</summary>
internal sealed class MluviiApi(HttpClient http) : VendorApi(http);

/// <summary>Mluvii: client credentials (an API username and password); no refresh token, so the grant is repeated.</summary>
internal sealed class MluviiDemo() : VendorDemo("Mluvii", "Mluvii", "mluvii", "client credentials")
{
    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // Authority (on premise), ClientId, ClientSecret: MluviiOptions.
        services.AddTokenProvider("mluvii", p => p.UseMluvii(o => section.Bind(o)));
        services.AddHttpClient<MluviiApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("mluvii");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var options = new EmulatorOptions { AccessTokenLifetime = tokenLifetime };
        var emulator = await MluviiEmulator.StartAsync(options, cancellationToken);
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["ClientId"] = options.ClientId,
            ["ClientSecret"] = options.ClientSecret,
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<MluviiApi>();
}
