using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support;

/// <summary>
/// One vendor's emulator and its provider registered as a user would, with an HttpClient on the vendor's API.
/// <see cref="AcquireAsync"/> is the vendor's token-endpoint round trip: a token request, or for JustLogin a
/// sign-in whose code exchange is the token request.
/// </summary>
internal sealed class VendorRig : IAsyncDisposable
{
    public const string Subject = "acme/alice";
    public static readonly IReadOnlyList<string> Names = ["mluvii", "moodhood", "telmai", "oli", "justlogin"];

    private VendorRig(string name, TokenEndpointEmulator emulator, ServiceProvider services)
    {
        Name = name;
        Emulator = emulator;
        Services = services;
        Provider = services.GetRequiredKeyedService<ITokenProvider>(name);
        Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(name);
        Context = name == "justlogin" ? TokenContext.ForSubject(Subject) : TokenContext.Default;
    }

    public string Name { get; }

    public TokenEndpointEmulator Emulator { get; }

    public ServiceProvider Services { get; }

    public ITokenProvider Provider { get; }

    public HttpClient Client { get; }

    public TokenContext Context { get; }

    /// <summary>Starts the vendor's emulator and registers its provider.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="time">The clock shared by emulator, provider and resilience pipeline.</param>
    /// <param name="lifetime">The access token lifetime the emulator issues; <see langword="null"/> for the vendor's.</param>
    /// <param name="resilience">Tunes the token endpoint's pipeline.</param>
    /// <param name="configure">Further provider settings.</param>
    /// <param name="credentials">Overrides the credentials: (client id, client secret, user name, password).</param>
    /// <param name="tokenEndpointBase">Points the provider somewhere else than the emulator (a closed port).</param>
    /// <param name="services">Further services, such as logging.</param>
    public static async Task<VendorRig> StartAsync(
        string name,
        TimeProvider time,
        TimeSpan? lifetime = null,
        Action<HttpStandardResilienceOptions>? resilience = null,
        Action<ITokenProviderBuilder>? configure = null,
        (string ClientId, string Secret, string User, string Password)? credentials = null,
        Uri? tokenEndpointBase = null,
        Action<IServiceCollection>? services = null)
    {
        var (clientId, secret, user, password) = credentials ?? ("demo-client", "demo-secret", "alice", "alice-password");
        TokenEndpointEmulator emulator = name switch
        {
            "mluvii" => await MluviiEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime }),
            "moodhood" => await MoodHoodEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime }),
            "telmai" => await TelmaiEmulator.StartAsync(new TelmaiEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime }),
            "oli" => await OliEmulator.StartAsync(new OliEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, RefreshTokenLifetime = (lifetime ?? TimeSpan.FromMinutes(5)) * 5 }),
            "justlogin" => await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, AutoApproveUser = Subject }),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a vendor."),
        };
        if (emulator is MoodHoodEmulator moodHood && lifetime is { } clientLifetime)
        {
            moodHood.ClientTokenLifetime = clientLifetime * 3;
        }

        var target = tokenEndpointBase ?? emulator.BaseAddress;
        var collection = new ServiceCollection();
        collection.AddSingleton(time);
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddTokenProvider(name, p =>
        {
            _ = name switch
            {
                "mluvii" => p.UseMluvii(o => (o.BaseAddress, o.ClientId, o.ClientSecret) = (target, clientId, secret)),
                "moodhood" => p.UseMoodHood(o => (o.BaseAddress, o.ClientId, o.ClientSecret, o.Username, o.Password) = (target, clientId, secret, user, password)),
                "telmai" => p.UseTelmai(o => (o.AuthEndpoint, o.ClientId, o.Username, o.Password) = (target, clientId, user, password)),
                "oli" => p.UseOli(o => (o.ServerAddress, o.ClientId, o.Username, o.Password) = (target, clientId == "demo-client" ? "apiclient" : clientId, user, password)),
                _ => p.UseJustLogin(o => (o.BaseAddress, o.ClientId, o.ClientSecret, o.RedirectUri) = (target, clientId, secret, new Uri("http://127.0.0.1/callback"))),
            };
            p.ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(50);
                resilience?.Invoke(r);
            });
            configure?.Invoke(p);
        });
        collection.AddHttpClient(name, c => c.BaseAddress = emulator.BaseAddress).AddTokenHandler(name);
        return new VendorRig(name, emulator, collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
    }

    /// <summary>One round trip to the token endpoint: a token request, or JustLogin's sign-in and code exchange.</summary>
    public async Task<AccessToken> AcquireAsync()
    {
        if (Emulator is JustLoginEmulator justLogin)
        {
            var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
            var start = await flow.StartAsync(Subject);

            // The browser always reaches the emulator, even when the back channel is pointed elsewhere.
            var authorize = new UriBuilder(start.AuthorizeUri) { Host = justLogin.BaseAddress.Host, Port = justLogin.BaseAddress.Port }.Uri;
            var result = await flow.CompleteAsync(await justLogin.ApproveAsync(authorize), Subject);
            return result.Tokens.ToAccessToken();
        }

        return await Provider.GetTokenAsync(Context);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
