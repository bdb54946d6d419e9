using TokenClients.Testing;

namespace WebApp;

/// <summary>
/// The loopback servers the sample runs against when <c>Emulators:Enabled</c> is true (the default): the OpenID Connect
/// provider users sign in with, JustLogin, and a standard OAuth2 provider ("Acme CRM"). Each shows a consent page where a
/// demo user types their password, as a real provider would. Their addresses are known only once they listen, so they
/// go into configuration then; everything else is read from configuration as it would be for real providers.
/// </summary>
public sealed class DemoEmulators : IAsyncDisposable
{
    /// <summary>The demo users of every emulator, user name to password (shown on the sample's home page).</summary>
    public static readonly IReadOnlyDictionary<string, string> Users = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["alice"] = "alice-password",
        ["bob"] = "bob-password",
    };

    private readonly List<TokenEndpointEmulator> _running = [];

    /// <summary>Gets the OpenID Connect provider the application's users sign in with, or <see langword="null"/> when not emulated.</summary>
    public StandardOAuth2Emulator? SignIn { get; private set; }

    /// <summary>Gets the JustLogin emulator, or <see langword="null"/> when not emulated.</summary>
    public JustLoginEmulator? JustLogin { get; private set; }

    /// <summary>Gets the standard OAuth2 provider's emulator, or <see langword="null"/> when not emulated.</summary>
    public StandardOAuth2Emulator? Crm { get; private set; }

    /// <summary>Starts the emulators when configuration asks for them and writes their addresses into configuration.</summary>
    /// <param name="configuration">The application's configuration.</param>
    /// <param name="appAddress">The application's own address, for the callback URLs the emulators accept.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulators (none when disabled).</returns>
    public static async Task<DemoEmulators> StartAsync(IConfigurationManager configuration, Uri appAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var emulators = new DemoEmulators();
        if (!configuration.GetValue("Emulators:Enabled", defaultValue: true))
        {
            return emulators;
        }

        try
        {
            var lifetime = configuration.GetValue<TimeSpan?>("Emulators:AccessTokenLifetime");
            emulators.SignIn = emulators.Add(await StandardOAuth2Emulator.StartAsync(Options(new StandardOAuth2EmulatorOptions(), lifetime, appAddress, "signin-oidc"), cancellationToken));
            emulators.JustLogin = emulators.Add(await JustLoginEmulator.StartAsync(Options(new OidcEmulatorOptions(), lifetime, appAddress, "connect/justlogin/callback"), cancellationToken));
            emulators.Crm = emulators.Add(await StandardOAuth2Emulator.StartAsync(Options(new StandardOAuth2EmulatorOptions(), lifetime, appAddress, "connect/crm/callback"), cancellationToken));
        }
        catch
        {
            await emulators.DisposeAsync();
            throw;
        }

        // Only addresses: client ids, secrets and kinds stay those of appsettings.json.
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenProviders:idp:Authority"] = emulators.SignIn.BaseAddress.AbsoluteUri,
            ["TokenProviders:justlogin:Authority"] = emulators.JustLogin.BaseAddress.AbsoluteUri,
            ["TokenProviders:crm:Authority"] = emulators.Crm.BaseAddress.AbsoluteUri,
            ["Apis:idp"] = emulators.SignIn.ApiEndpoint.AbsoluteUri,
            ["Apis:justlogin"] = emulators.JustLogin.ApiEndpoint.AbsoluteUri,
            ["Apis:crm"] = emulators.Crm.ApiEndpoint.AbsoluteUri,
        });
        return emulators;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var emulator in _running)
        {
            await emulator.DisposeAsync();
        }

        _running.Clear();
    }

    private static T Options<T>(T options, TimeSpan? lifetime, Uri appAddress, string callbackPath)
        where T : OidcEmulatorOptions
    {
        options.ConsentPage = true;
        options.AccessTokenLifetime = lifetime;
        options.RedirectUris.Add(new Uri(appAddress, callbackPath));
        options.Users.Clear();
        foreach (var (user, password) in Users)
        {
            options.Users[user] = password;
        }

        return options;
    }

    private T Add<T>(T emulator)
        where T : TokenEndpointEmulator
    {
        _running.Add(emulator);
        return emulator;
    }
}
