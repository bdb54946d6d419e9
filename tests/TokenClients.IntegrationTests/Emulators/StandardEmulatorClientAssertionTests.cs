using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Emulators;

/// <summary>The standard emulator's <c>private_key_jwt</c>: what the library sends is accepted, a replay or another key is not.</summary>
public sealed class StandardEmulatorClientAssertionTests : IAsyncLifetime
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private StandardOAuth2Emulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions
    {
        ClientAssertionKey = ECDsa.Create(_key.ExportParameters(includePrivateParameters: false)),
    });

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _key.Dispose();
    }

    [Fact]
    public async Task Signed_assertion_is_accepted_and_the_same_assertion_sent_again_is_refused()
    {
        await using var services = Services(_key);

        var token = await services.GetRequiredKeyedService<ITokenProvider>("std").GetTokenAsync();

        Assert.True(_emulator.IsLive(token.Value));
        var request = Assert.Single(_emulator.Journal.TokenRequests);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", request.Form["client_assertion_type"]);
        Assert.False(request.Form.ContainsKey("client_secret"));

        // Someone who captured the request replays it: the assertion's jti was used.
        using var http = new HttpClient();
        using var replay = await http.PostAsync(_emulator.TokenEndpoint, new FormUrlEncodedContent(request.Form));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Assertion_signed_with_another_key_or_a_client_secret_is_refused()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var services = Services(stranger);

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => services.GetRequiredKeyedService<ITokenProvider>("std").GetTokenAsync().AsTask());
        Assert.Equal("invalid_client", failure.Error);

        using var http = new HttpClient();
        using var withSecret = await http.PostAsync(_emulator.TokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-client",
            ["client_secret"] = "demo-secret",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, withSecret.StatusCode);
    }

    private ServiceProvider Services(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: true);
        var jwk = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["crv"] = "P-256",
            ["x"] = Base64Url.EncodeToString(parameters.Q.X),
            ["y"] = Base64Url.EncodeToString(parameters.Q.Y),
            ["d"] = Base64Url.EncodeToString(parameters.D),
        });
        var services = new ServiceCollection();
        services.AddTokenProvider("std", p => p.UseClientCredentials(o =>
        {
            o.Authority = _emulator.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientAssertion.SigningKey = jwk;
        }));
        return services.BuildServiceProvider();
    }
}
