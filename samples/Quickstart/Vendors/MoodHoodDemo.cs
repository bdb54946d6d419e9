using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>MoodHood's API, as an application's typed client.</summary>
internal sealed class MoodHoodApi(HttpClient http) : VendorApi(http);

/// <summary>
/// MoodHood: a client token, then a user token requested with it (JSON bodies, expiry read from the JWT). The client
/// token keeps its own lifetime (7 days on the emulator) and is reused; the short-lived user token is refreshed.
/// </summary>
internal sealed class MoodHoodDemo() : VendorDemo("MoodHood", "MoodHood", "moodhood", "client token, then user token")
{
    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // Authority, ClientId, ClientSecret, Username, Password: MoodHoodOptions.
        services.AddTokenProvider("moodhood", p => p.UseMoodHood(o => section.Bind(o)));
        services.AddHttpClient<MoodHoodApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("moodhood");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var options = new EmulatorOptions { AccessTokenLifetime = tokenLifetime };
        var emulator = await MoodHoodEmulator.StartAsync(options, cancellationToken);
        var (username, password) = options.Users.First();
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["ClientId"] = options.ClientId,
            ["ClientSecret"] = options.ClientSecret,
            ["Username"] = username,
            ["Password"] = password,
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<MoodHoodApi>();
}
