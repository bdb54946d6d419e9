using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>
/// One vendor (or standard kind) as every test stands it up: its loopback emulator, its provider registered as a user
/// would (<c>AddTokenProvider</c> + <c>AddHttpClient(...).AddTokenHandler</c>), the credentials it accepts, the errors it
/// documents for wrong ones, its grants and the context its API calls use. The per-vendor facts, the fault matrix, the
/// secret-leak test and the soak test all draw from these cases.
/// </summary>
public abstract class VendorCase
{
    /// <summary>The name of the HttpClient on the vendor's API.</summary>
    public const string ApiClient = "api";

    /// <summary>Gets the five vendor adapters.</summary>
    public static IReadOnlyList<VendorCase> Vendors { get; } = [new MluviiCase(), new MoodHoodCase(), new TelmaiCase(), new OliCase(), new JustLoginCase()];

    /// <summary>Gets the names of <see cref="Vendors"/>, the rows of a theory over every vendor.</summary>
    public static TheoryData<string> VendorNames => [.. Vendors.Select(v => v.Name)];

    /// <summary>Gets the provider name the case registers.</summary>
    public abstract string Name { get; }

    /// <summary>Gets the provider that sends the first token request (MoodHood: its client stage).</summary>
    public virtual string FirstProviderName => Name;

    /// <summary>Gets the grant of the first token (a code flow: the code exchange).</summary>
    public abstract string AcquireGrant { get; }

    /// <summary>Gets the grant used once the access token expired or the API refused it.</summary>
    public abstract string RenewalGrant { get; }

    /// <summary>Gets how many token requests one acquisition costs (MoodHood: client token, then user token).</summary>
    public virtual int TokenRequestsPerAcquisition => 1;

    /// <summary>Gets the application's subject of the signed-in user (code flows); <see langword="null"/> when nobody signs in.</summary>
    public virtual string? Subject => null;

    /// <summary>Gets the context the application's API calls use.</summary>
    public TokenContext Context => Subject is null ? TokenContext.Default : TokenContext.ForSubject(Subject);

    /// <summary>Gets whether the token request is idempotent (a code exchange is not: it is never sent again).</summary>
    public bool IsIdempotent => Subject is null;

    /// <summary>Gets the credentials the emulator accepts.</summary>
    public virtual VendorCredentials Credentials => VendorCredentials.Demo;

    /// <summary>Gets an unknown client (a code flow: a wrong secret of the known client).</summary>
    public virtual VendorCredentials WrongClient => VendorCredentials.Demo with { ClientId = "unknown-client", Secret = "wrong-secret" };

    /// <summary>Gets how the vendor refuses <see cref="WrongClient"/>.</summary>
    public abstract VendorRefusal WrongClientRefusal { get; }

    /// <summary>Gets how the vendor refuses a wrong password; <see langword="null"/> when it takes no password.</summary>
    public virtual VendorRefusal? WrongPasswordRefusal => null;

    /// <summary>Gets one credential replaced by <see cref="VendorCredentials.WrongSecret"/>: the password, or without one the client secret.</summary>
    public VendorCredentials WrongCredentials => WrongPasswordRefusal is null
        ? VendorCredentials.Demo with { Secret = VendorCredentials.WrongSecret }
        : VendorCredentials.Demo with { Password = VendorCredentials.WrongSecret };

    /// <summary>Gets how the vendor refuses <see cref="WrongCredentials"/>.</summary>
    public VendorRefusal WrongCredentialsRefusal => WrongPasswordRefusal ?? WrongClientRefusal;

    /// <summary>Finds a case of <see cref="Vendors"/> by its provider name.</summary>
    public static VendorCase Named(string name) => Vendors.Single(v => v.Name == name);

    /// <summary>Starts the case's emulator.</summary>
    /// <param name="time">The clock of the emulator's expiry.</param>
    /// <param name="lifetime">The access token lifetime the emulator issues; <see langword="null"/> for the case's.</param>
    /// <param name="adjust">Adjusts the emulator's options before it starts; a test may keep them to change them later.</param>
    public abstract Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null);

    /// <summary>Builds the application's services as a user registers them; the caller disposes them.</summary>
    /// <param name="emulator">The case's emulator: the API's address and, unless <paramref name="tokenEndpointBase"/> says otherwise, the token endpoint's.</param>
    /// <param name="time">The clock shared by provider and resilience pipeline.</param>
    /// <param name="credentials">The credentials; <see cref="Credentials"/> when <see langword="null"/>.</param>
    /// <param name="tokenEndpointBase">Points the provider somewhere else than the emulator (a closed port).</param>
    /// <param name="configure">Further provider settings.</param>
    /// <param name="services">Further services, such as logging.</param>
    public ServiceProvider BuildServices(
        TokenEndpointEmulator emulator,
        TimeProvider time,
        VendorCredentials? credentials = null,
        Uri? tokenEndpointBase = null,
        Action<ITokenProviderBuilder>? configure = null,
        Action<IServiceCollection>? services = null) =>
        Build(emulator, time, p => Register(p, emulator, tokenEndpointBase ?? emulator.BaseAddress, credentials ?? Credentials), configure, services);

    /// <summary>Starts the emulator and the application around it, with a 50 ms retry back-off.</summary>
    /// <param name="time">The clock shared by emulator, provider and resilience pipeline.</param>
    /// <param name="lifetime">The access token lifetime the emulator issues; <see langword="null"/> for the case's.</param>
    /// <param name="resilience">Tunes the token endpoint's pipeline.</param>
    /// <param name="configure">Further provider settings.</param>
    /// <param name="credentials">The credentials; <see cref="Credentials"/> when <see langword="null"/>.</param>
    /// <param name="tokenEndpointBase">Points the provider somewhere else than the emulator (a closed port).</param>
    /// <param name="services">Further services, such as logging.</param>
    public async Task<VendorApp> StartAsync(
        TimeProvider time,
        TimeSpan? lifetime = null,
        Action<HttpStandardResilienceOptions>? resilience = null,
        Action<ITokenProviderBuilder>? configure = null,
        VendorCredentials? credentials = null,
        Uri? tokenEndpointBase = null,
        Action<IServiceCollection>? services = null)
    {
        var emulator = await StartEmulatorAsync(time, lifetime);
        var built = BuildServices(emulator, time, credentials, tokenEndpointBase, p =>
        {
            p.ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(50);
                resilience?.Invoke(r);
            });
            configure?.Invoke(p);
        }, services);
        return new VendorApp(this, emulator, built);
    }

    /// <summary>
    /// Signs <paramref name="subject"/> in through the provider's <see cref="IAuthorizationCodeFlow"/>: the application
    /// starts the sign-in, the browser (which always reaches the emulator) approves, the callback completes it.
    /// </summary>
    /// <returns>The access token of the sign-in; <see langword="null"/> for a case without sign-in.</returns>
    public async Task<AccessToken?> SignInAsync(IServiceProvider services, TokenEndpointEmulator emulator, string subject, CancellationToken cancellationToken = default)
    {
        if (emulator is not OidcEmulator oidc || Subject is null)
        {
            return null;
        }

        var flow = services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync(subject, cancellationToken);
        var authorize = new UriBuilder(started.AuthorizeUri) { Host = oidc.BaseAddress.Host, Port = oidc.BaseAddress.Port }.Uri;
        var result = await flow.CompleteAsync(await oidc.ApproveAsync(authorize, cancellationToken), subject, cancellationToken);
        Assert.Equal(subject, result.Subject);
        return result.Tokens.ToAccessToken();
    }

    /// <summary>The provider's options as the application's services resolve them.</summary>
    public abstract object ReadOptions(IServiceProvider services);

    /// <summary>The API request the application sends (a code flow selects its user on it).</summary>
    public HttpRequestMessage ApiRequest(TokenEndpointEmulator emulator)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, emulator.ApiEndpoint);
        return Subject is null ? request : request.WithTokenContext(Context);
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Calls the adapter's <c>Use…</c> extension with the options pointed at <paramref name="target"/>.</summary>
    protected abstract void Register(ITokenProviderBuilder provider, TokenEndpointEmulator emulator, Uri target, VendorCredentials credentials);

    /// <summary>Builds the services with a provider registered by <paramref name="register"/>.</summary>
    protected ServiceProvider Build(
        TokenEndpointEmulator emulator,
        TimeProvider time,
        Action<ITokenProviderBuilder> register,
        Action<ITokenProviderBuilder>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        var collection = new ServiceCollection();
        collection.AddSingleton(time);
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddTokenProvider(Name, p =>
        {
            register(p);
            configure?.Invoke(p);
        });
        collection.AddHttpClient(ApiClient, c => c.BaseAddress = emulator.BaseAddress).AddTokenHandler(Name);
        return collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
