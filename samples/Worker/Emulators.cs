using TokenClients;
using TokenClients.Testing;

namespace Worker;

/// <summary>
/// The five vendors' loopback emulators, started before the host is built when <c>Emulators:Enabled</c> is true.
/// Their addresses are known only once they listen, so they go into configuration then: the token providers and the
/// typed clients still read everything from configuration, and nothing else changes between emulated and real vendors.
/// </summary>
internal sealed class Emulators : IAsyncDisposable
{
    private readonly List<TokenEndpointEmulator> _running = [];
    private JustLoginEmulator? _justLogin;

    public bool Enabled => _running.Count > 0;

    public static async Task<Emulators> StartAsync(IConfigurationManager configuration, CancellationToken cancellationToken = default)
    {
        var emulators = new Emulators();
        if (!configuration.GetValue("Emulators:Enabled", defaultValue: false))
        {
            return emulators;
        }

        var lifetime = configuration.GetValue<TimeSpan?>("Emulators:AccessTokenLifetime");
        var mluvii = emulators.Add(await MluviiEmulator.StartAsync(new EmulatorOptions { AccessTokenLifetime = lifetime }, cancellationToken));
        var moodHood = emulators.Add(await MoodHoodEmulator.StartAsync(new EmulatorOptions { AccessTokenLifetime = lifetime }, cancellationToken));
        moodHood.ClientTokenLifetime = lifetime ?? moodHood.ClientTokenLifetime;
        var telmai = emulators.Add(await TelmaiEmulator.StartAsync(new TelmaiEmulatorOptions { AccessTokenLifetime = lifetime }, cancellationToken));
        var oli = emulators.Add(await OliEmulator.StartAsync(new OliEmulatorOptions { AccessTokenLifetime = lifetime }, cancellationToken));
        var subject = configuration["Apis:justlogin:Subject"] ?? "acme/alice";
        emulators._justLogin = emulators.Add(await JustLoginEmulator.StartAsync(
            new OidcEmulatorOptions { AccessTokenLifetime = lifetime, AutoApproveUser = subject }, cancellationToken));

        // Only addresses: credentials, kinds and cache settings stay those of appsettings.json.
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenProviders:mluvii:Authority"] = mluvii.BaseAddress.AbsoluteUri,
            ["TokenProviders:moodhood:Authority"] = moodHood.BaseAddress.AbsoluteUri,
            ["TokenProviders:telmai:Authority"] = telmai.BaseAddress.AbsoluteUri,
            ["TokenProviders:oli:Authority"] = oli.BaseAddress.AbsoluteUri,
            ["TokenProviders:justlogin:Authority"] = emulators._justLogin.BaseAddress.AbsoluteUri,
            ["Apis:mluvii:Url"] = mluvii.ApiEndpoint.AbsoluteUri,
            ["Apis:moodhood:Url"] = moodHood.ApiEndpoint.AbsoluteUri,
            ["Apis:telmai:Url"] = telmai.ApiEndpoint.AbsoluteUri,
            ["Apis:oli:Url"] = oli.ApiEndpoint.AbsoluteUri,
            ["Apis:justlogin:Url"] = emulators._justLogin.ApiEndpoint.AbsoluteUri,
        });
        return emulators;
    }

    /// <summary>
    /// Connects a JustLogin user. The emulator plays the browser (consent is automatic); with the real JustLogin a
    /// person signs in, and the application's callback endpoint completes the flow, so this returns <see langword="false"/>.
    /// </summary>
    public async Task<bool> TryConnectAsync(IAuthorizationCodeFlow flow, string subject, CancellationToken cancellationToken)
    {
        if (_justLogin is null)
        {
            return false;
        }

        var signIn = await flow.StartAsync(subject, cancellationToken);
        var callback = await _justLogin.ApproveAsync(signIn.AuthorizeUri, cancellationToken);
        await flow.CompleteAsync(callback, subject, cancellationToken);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var emulator in _running)
        {
            await emulator.DisposeAsync();
        }
    }

    private T Add<T>(T emulator)
        where T : TokenEndpointEmulator
    {
        _running.Add(emulator);
        return emulator;
    }
}
