using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Protocol.Custom;

/// <summary>
/// <c>UseCustom</c> against the standard OAuth2 emulator bent into a non-standard shape, over real HTTP, the fake clock
/// shared by both sides: starts the endpoint, registers the provider and proves caching (twenty calls, one token
/// request), expiry and renewal.
/// </summary>
public abstract class CustomEndpointFacts : IDisposable
{
    protected const string Name = "custom";
    protected static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 8, 0, 0, TimeSpan.Zero));

    // Real time: a request stuck behind a fake-clock delay fails the test instead of hanging it.
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(10));

    protected CancellationToken Deadline => _deadline.Token;

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deadline.Dispose();
        }
    }

    protected static void UsePassword(CustomTokenOptions options)
    {
        options.GrantType = "password";
        options.Username = "alice";
        options.Password = "alice-password";
    }

    protected static void CamelCase(IDictionary<string, string> names)
    {
        names["client_id"] = "clientId";
        names["client_secret"] = "clientSecret";
        names["grant_type"] = "grantType";
        names["refresh_token"] = "refreshToken";
    }

    protected async Task<Endpoint> StartAsync(Action<StandardOAuth2EmulatorOptions> server, Action<CustomTokenOptions> client, Action<IServiceCollection>? more = null)
    {
        var options = new StandardOAuth2EmulatorOptions { TimeProvider = Time };
        server(options);
        var emulator = await StandardOAuth2Emulator.StartAsync(options, Deadline);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        more?.Invoke(services);
        services.AddTokenProvider(Name, p => p.UseCustom(c =>
        {
            c.TokenEndpoint = emulator.TokenEndpoint;
            c.ClientId = "demo-client";
            c.ClientSecret = "demo-secret";
            client(c);
        }));
        services.AddHttpClient("api", c => c.BaseAddress = emulator.BaseAddress).AddTokenHandler(Name);
        return new Endpoint(emulator, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }), Deadline);
    }

    /// <summary>Twenty calls cost one token request; past expiry the renewal grant runs before the call, so the API never sees a dead token.</summary>
    protected async Task AssertCachedThenRenewedAsync(Endpoint endpoint, TimeSpan lifetime, string renewalGrant)
    {
        var token = await endpoint.TokenAsync();
        Assert.Equal(Time.GetUtcNow() + lifetime, token.ExpiresAt);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());
        }

        var requests = endpoint.Emulator.Journal.TokenRequests.Count;
        Assert.Equal(1, requests);
        var renewals = endpoint.Emulator.Journal.CountGrant(renewalGrant);

        Time.Advance(lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Equal(renewals + 1, endpoint.Emulator.Journal.CountGrant(renewalGrant));
        Assert.Equal(requests + 1, endpoint.Emulator.Journal.TokenRequests.Count);
        Assert.Equal(0, endpoint.Emulator.ApiUnauthorizedCount);
    }

    protected sealed class Endpoint(StandardOAuth2Emulator emulator, ServiceProvider services, CancellationToken deadline) : IAsyncDisposable
    {
        public StandardOAuth2Emulator Emulator => emulator;

        public ServiceProvider Services => services;

        public async Task<HttpStatusCode> CallApiAsync()
        {
            using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(emulator.ApiEndpoint, deadline);
            return response.StatusCode;
        }

        public ValueTask<AccessToken> TokenAsync() => services.GetRequiredKeyedService<ITokenProvider>(Name).GetTokenAsync(cancellationToken: deadline);

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Within 5 real seconds: a request stuck in a retry delay on the fake clock would hold the disposal forever.
                await services.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
            }
            finally
            {
                await emulator.DisposeAsync();
            }
        }
    }
}
