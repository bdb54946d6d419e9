using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Emulators;

/// <summary>The standard emulator with <see cref="StandardOAuth2EmulatorOptions.RequireDPoP"/>: it checks proofs, binds tokens, and its API wants the proof.</summary>
public sealed class DPoPEmulatorTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private StandardOAuth2Emulator _emulator = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync() => _emulator = await StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions { RequireDPoP = true });

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_dpop_client_gets_a_bound_token_that_the_emulator_api_accepts_only_with_a_proof()
    {
        var api = Start(dpop: true);

        using var response = await api.GetAsync(_emulator.ApiEndpoint).WaitAsync(Bound);
        var token = await _services!.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("DPoP", token.Scheme);
        using var plain = new HttpClient { Timeout = Bound };
        using var bearer = new HttpRequestMessage(HttpMethod.Get, _emulator.ApiEndpoint) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token.Value) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.SendAsync(bearer)).StatusCode);
        using var withoutProof = new HttpRequestMessage(HttpMethod.Get, _emulator.ApiEndpoint) { Headers = { Authorization = new AuthenticationHeaderValue("DPoP", token.Value) } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.SendAsync(withoutProof)).StatusCode);
    }

    [Fact]
    public async Task A_client_without_dpop_is_refused_with_invalid_dpop_proof()
    {
        Start(dpop: false);

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _services!.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync().AsTask().WaitAsync(Bound));

        Assert.Equal("invalid_dpop_proof", error.Error);
    }

    private HttpClient Start(bool dpop)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = _emulator.TokenEndpoint;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.DPoP.Enabled = dpop;
        }));
        services.AddHttpClient("api", c => c.BaseAddress = _emulator.BaseAddress).AddTokenHandler("idp");
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IHttpClientFactory>().CreateClient("api");
    }
}
