using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>Mutual TLS refused by the server, and hostile TLS endpoints: every failure is typed and bounded.</summary>
public sealed partial class MutualTlsTests
{
    [Fact]
    public async Task An_unregistered_certificate_is_refused_by_the_server_with_a_typed_error()
    {
        var error = await FailAsync(MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, server.Certificates.Intruder, o => o.Authority = server.Issuer);

        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task Tls_client_auth_with_a_certificate_no_trusted_ca_issued_is_refused_by_the_server()
    {
        var error = await FailAsync(MtlsOidcProviderServer.PkiClient, ClientAuthenticationMethod.TlsClientAuth, server.Certificates.SelfSignedClient, o => o.Authority = server.Issuer);

        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task The_plain_token_endpoint_sees_no_certificate_so_the_alias_is_what_made_the_server_accept_the_client()
    {
        var error = await FailAsync(MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, server.Certificates.SelfSignedClient,
            o => o.TokenEndpoint = new Uri(server.Issuer, "/token"));

        Assert.Equal("invalid_client", error.Error);
    }

    [Fact]
    public async Task A_tls_server_that_stalls_the_handshake_fails_within_the_timeouts_with_a_typed_error()
    {
        await using var hostile = new HostileTlsServer(server.Certificates.Server, stallHandshake: true);

        var error = await FailAsync(MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, server.Certificates.SelfSignedClient,
            o => o.TokenEndpoint = hostile.TokenEndpoint);

        Assert.Null(error.StatusCode);
        Assert.InRange(hostile.Accepted, 1, 2);
        Assert.Empty(hostile.ClientCertificates);
    }

    [Fact]
    public async Task A_tls_server_that_answers_after_the_client_gave_up_saw_the_certificate_and_the_failure_is_typed()
    {
        await using var hostile = new HostileTlsServer(server.Certificates.Server, stallHandshake: false);

        var error = await FailAsync(MtlsOidcProviderServer.SelfSignedClient, ClientAuthenticationMethod.SelfSignedTlsClientAuth, server.Certificates.SelfSignedClient,
            o => o.TokenEndpoint = hostile.TokenEndpoint);

        Assert.Null(error.StatusCode);
        await hostile.GaveUp.Task.WaitAsync(Bound);
        Assert.All(hostile.ClientCertificates, thumbprint => Assert.Equal(MtlsCertificates.X5tS256(server.Certificates.SelfSignedClient), thumbprint));
        Assert.NotEmpty(hostile.ClientCertificates);
    }

    private async Task<TokenRequestException> FailAsync(string clientId, ClientAuthenticationMethod method, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Action<ClientCredentialsOptions> endpoint)
    {
        var services = Start(s => s.AddTokenProvider("idp", p =>
        {
            Mtls(p, o =>
            {
                endpoint(o);
                o.ClientId = clientId;
                o.ClientAuthentication = method;
                o.ClientCertificate.Certificate = certificate;
            });
            p.ConfigureResilience(r =>
            {
                r.Retry.MaxRetryAttempts = 1;
                r.Retry.Delay = TimeSpan.FromMilliseconds(10);
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(4);
            });
        }));

        var started = TimeProvider.System.GetTimestamp();
        var error = await Assert.ThrowsAsync<TokenRequestException>(() => services.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync().AsTask().WaitAsync(Bound));
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(15), "The failure must come within the configured timeouts.");
        Assert.Equal("idp", error.ProviderName);
        return error;
    }
}
