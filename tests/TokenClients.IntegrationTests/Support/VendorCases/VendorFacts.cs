using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>
/// The contract every vendor adapter proves against its loopback emulator over real HTTP, registered as a user would
/// (<c>AddTokenProvider</c> + <c>AddHttpClient(...).AddTokenHandler</c>): first token, cached reuse, renewal past expiry
/// by the documented grant, recovery from a 401, typed errors. One FakeTimeProvider drives both the emulator's expiry
/// and the library's cache. The vendor is stood up by its <see cref="VendorCase"/>.
/// </summary>
/// <typeparam name="TEmulator">The vendor's emulator.</typeparam>
/// <typeparam name="TOptions">The vendor adapter's options.</typeparam>
/// <param name="vendor">The vendor's case.</param>
public abstract class VendorFacts<TEmulator, TOptions>(VendorCase<TEmulator, TOptions> vendor) : IAsyncLifetime, IDisposable
    where TEmulator : TokenEndpointEmulator
    where TOptions : class
{
    /// <summary>A credential the emulators never accept; it must never appear in an error message.</summary>
    protected const string WrongSecret = VendorCredentials.WrongSecret;

    private readonly List<ServiceProvider> _providers = [];

    // Real time: a token request stuck behind a fake-clock delay (a retry backoff) fails the test instead of hanging it.
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(10));

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    protected TEmulator Emulator { get; private set; } = null!;

    /// <summary>Gets the options the emulator started with; changing them changes its behaviour from then on.</summary>
    protected EmulatorOptions EmulatorOptions { get; private set; } = null!;

    /// <summary>Gets the vendor's case.</summary>
    protected VendorCase<TEmulator, TOptions> Case { get; } = vendor;

    /// <summary>Gets the application's services, registered with the right credentials (and, for JustLogin, a user connected).</summary>
    protected ServiceProvider Services { get; private set; } = null!;

    /// <summary>Gets the provider name.</summary>
    protected string Name => Case.Name;

    private string AcquireGrant => Case.AcquireGrant;

    private string RenewalGrant => Case.RenewalGrant;

    private int TokenRequestsPerAcquisition => Case.TokenRequestsPerAcquisition;

    protected int TokenRequests => Emulator.Journal.TokenRequests.Count;

    /// <summary>Gets a token cancelled 10 real seconds after the test started.</summary>
    protected CancellationToken Deadline => _deadline.Token;

    public async Task InitializeAsync()
    {
        Emulator = (TEmulator)await Case.StartEmulatorAsync(Time, adjust: o => EmulatorOptions = o);
        Services = await StartClientAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var provider in _providers)
            {
                await DisposeWithinAsync(provider);
            }
        }
        finally
        {
            if (Emulator is not null)
            {
                await Emulator.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Disposes services within 5 real seconds. A token request stuck in a retry delay on the fake clock keeps the
    /// resilience pipeline from disposing (it waits for the request on the same clock): the test fails instead of hanging.
    /// </summary>
    private static Task DisposeWithinAsync(ServiceProvider services) => services.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task First_call_gets_a_token_by_the_documented_grant_and_the_api_accepts_it()
    {
        await AssertApiOkAsync();

        Assert.Equal(1, Emulator.Journal.CountGrant(AcquireGrant));
        Assert.Equal(TokenRequestsPerAcquisition, TokenRequests);
        Assert.Equal(1, Emulator.ApiCallCount);
        Assert.Equal(0, Emulator.ApiUnauthorizedCount);
    }

    [Fact]
    public async Task Twenty_calls_share_one_cached_token()
    {
        for (var i = 0; i < 20; i++)
        {
            await AssertApiOkAsync();
        }

        Assert.Equal(20, Emulator.ApiCallCount);
        Assert.Equal(TokenRequestsPerAcquisition, TokenRequests);
    }

    [Fact]
    public async Task Twenty_concurrent_first_calls_share_one_token_request()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallApiAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(TokenRequestsPerAcquisition, TokenRequests);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Token_is_reused_at_half_its_life_and_renewed_by_the_documented_grant_past_expiry()
    {
        var lifetime = Emulator.AccessTokenLifetime;
        await AssertApiOkAsync();
        var renewals = Emulator.Journal.CountGrant(RenewalGrant);

        // Half-way is before the refresh window (at most a fifth of the life) and the clock-skew margin (a tenth).
        Time.Advance(lifetime / 2);
        await AssertApiOkAsync();
        Assert.Equal(TokenRequestsPerAcquisition, TokenRequests);

        Time.Advance(lifetime / 2 + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();

        Assert.Equal(renewals + 1, Emulator.Journal.CountGrant(RenewalGrant));
        Assert.Equal(TokenRequestsPerAcquisition + 1, TokenRequests);
        Assert.Equal(0, Emulator.ApiUnauthorizedCount); // renewed before sending: the expired token never reached the API
    }

    [Fact]
    public async Task Api_401_gets_a_fresh_token_and_the_call_is_resent_once()
    {
        await AssertApiOkAsync();
        var renewals = Emulator.Journal.CountGrant(RenewalGrant);
        Emulator.RevokeAccessTokens();

        await AssertApiOkAsync();

        Assert.Equal(1, Emulator.ApiUnauthorizedCount);
        Assert.Equal(3, Emulator.ApiCallCount);
        Assert.Equal(renewals + 1, Emulator.Journal.CountGrant(RenewalGrant));
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_a_typed_error_and_no_api_call_is_made()
    {
        var before = TokenRequests;
        var exception = await Assert.ThrowsAnyAsync<TokenRequestException>(async () =>
        {
            var services = await StartClientAsync(Case.WrongCredentials);
            using var response = await CallApiAsync(services);
        });

        Assert.Equal(Name, exception.ProviderName);
        Assert.Contains($"'{Name}'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(before + TokenRequestsPerAcquisition, TokenRequests); // a 4xx answer is not retried
        Assert.Equal(0, Emulator.ApiCallCount);
        Case.WrongCredentialsRefusal.AssertMatches(exception);
    }

    /// <summary>Builds the application's services as a user registers them, then <paramref name="adjust"/>; the test disposes them.</summary>
    protected Task<ServiceProvider> StartClientAsync(Action<TOptions>? adjust = null) => ConnectedAsync(Case.BuildServices(Emulator, Time, adjust));

    /// <summary>Builds the application's services with <paramref name="credentials"/>; the test disposes them.</summary>
    protected Task<ServiceProvider> StartClientAsync(VendorCredentials credentials) => ConnectedAsync(Case.BuildServices(Emulator, Time, credentials));

    /// <summary>Signs <paramref name="subject"/> in on <paramref name="services"/>.</summary>
    protected Task SignInAsync(IServiceProvider services, string subject) => Case.SignInAsync(services, Emulator, subject, Deadline);

    protected async Task<HttpResponseMessage> CallApiAsync(IServiceProvider? services = null)
    {
        using var request = Case.ApiRequest(Emulator);
        return await (services ?? Services).GetRequiredService<IHttpClientFactory>().CreateClient(VendorCase.ApiClient).SendAsync(request, Deadline);
    }

    protected async Task AssertApiOkAsync(IServiceProvider? services = null)
    {
        using var response = await CallApiAsync(services);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deadline.Dispose();
        }
    }

    protected ITokenProvider Provider(string? name = null) => Services.GetRequiredKeyedService<ITokenProvider>(name ?? Name);

    /// <summary>The user connects on freshly built services (code flows).</summary>
    private async Task<ServiceProvider> ConnectedAsync(ServiceProvider services)
    {
        _providers.Add(services);
        if (Case.Subject is { } subject)
        {
            await SignInAsync(services, subject);
        }

        return services;
    }
}
