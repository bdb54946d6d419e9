using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace TokenClients.IntegrationTests.OidcProvider;

public sealed partial class ClientAssertionTests
{
    [Fact]
    public async Task A_key_the_server_does_not_know_is_refused_as_invalid_client()
    {
        using var stranger = RSA.Create(2048);

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.RsaClient,
            o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(stranger, "rsa-1")));

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task An_assertion_issued_by_a_clock_far_in_the_past_is_refused_as_invalid_client()
    {
        var past = new FakeTimeProvider(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.EcClient,
            o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.EcKey, "ec-1"), past));

        Assert.Equal("invalid_client", error.Error);
        var payload = Assertion(Assert.Single(_bodies)).Payload;
        Assert.Equal(past.GetUtcNow().ToUnixTimeSeconds(), payload.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task A_retried_attempt_carries_a_new_assertion_with_a_new_jti()
    {
        var token = await GetTokenAsync(OidcProviderServer.RsaClient,
            o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1"), failFirst: true);

        Assert.True(await server.IsActiveAsync(token.Value, "access_token"));
        var jtis = _bodies.Select(body => Assertion(body).Payload.GetProperty("jti").GetString()).ToList();
        Assert.Equal(2, jtis.Count);
        Assert.NotEqual(jtis[0], jtis[1]);
    }

    [Fact]
    public async Task Neither_the_private_key_nor_an_assertion_nor_the_secret_reaches_a_log()
    {
        var jwk = OidcProviderServer.PrivateJwk(server.RsaKey, "rsa-1");
        await GetTokenAsync(OidcProviderServer.RsaClient, o => o.ClientAssertion.SigningKey = jwk, failFirst: true);
        await GetTokenAsync(OidcProviderServer.SecretJwtClient, o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretJwt;
            o.ClientSecret = OidcProviderServer.JwtClientSecret;
        });
        using var stranger = RSA.Create(2048);
        var refused = await Assert.ThrowsAsync<TokenRequestException>(() => GetTokenAsync(OidcProviderServer.RsaClient,
            o => o.ClientAssertion.SigningKey = OidcProviderServer.PrivateJwk(stranger, "rsa-1")));

        var secrets = new List<string> { OidcProviderServer.JwtClientSecret, JsonDocument.Parse(jwk).RootElement.GetProperty("d").GetString()! };
        secrets.AddRange(_bodies.Select(body => Uri.UnescapeDataString(Field(body, "client_assertion"))));
        secrets.AddRange(_bodies.Select(body => Field(body, "client_assertion").Split('.')[2]));
        var written = string.Join('\n', Logs.GetSnapshot().Select(r => $"{r.Category} {r.Message} {r.Exception} {string.Join(';', r.StructuredState ?? [])}")) + refused + refused.Message;
        Assert.True(Logs.Count > 0);
        Assert.Equal(4, _bodies.Count);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, written, StringComparison.Ordinal);
        }
    }
}
