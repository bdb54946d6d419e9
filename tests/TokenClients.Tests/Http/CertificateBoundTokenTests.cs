using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>
/// Certificate-bound access tokens (RFC 8705 section 3): such a token goes out only on a client that presents the
/// certificate; any other client fails with a typed error and sends nothing, rather than sending a request the API refuses.
/// </summary>
public sealed class CertificateBoundTokenTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/token";
    private readonly Harness _harness = new();
    private readonly X509Certificate2 _certificate = TestCertificates.Create();
    private readonly MockHttpMessageHandler _unpresented = new();
    private readonly AnsweringHandler _presenting = new();

    public CertificateBoundTokenTests() =>
        _unpresented.Fallback.Throw(new InvalidOperationException("An API request went out."));

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _certificate.Dispose();
        _unpresented.Dispose();
    }

    [Fact]
    public async Task A_bound_jwt_on_a_client_without_the_certificate_fails_with_a_typed_error_and_is_not_sent()
    {
        Issue(Jwt(TestCertificates.X5tS256(_certificate)));

        var error = await Assert.ThrowsAsync<CertificateBindingException>(() => Client("plain").GetAsync(new Uri("me", UriKind.Relative)));

        Assert.Equal("idp", error.ProviderName);
        Assert.Contains("UseClientCertificate(\"idp\")", error.Message, StringComparison.Ordinal);
        Assert.Empty(_presenting.Seen);
        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Id.Id == 131);
    }

    [Fact]
    public async Task A_bound_jwt_goes_out_on_a_client_that_presents_the_certificate()
    {
        Issue(Jwt(TestCertificates.X5tS256(_certificate)));

        using var response = await Client("presenting").GetAsync(new Uri("me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Bearer eyJ", Assert.Single(_presenting.Seen), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_jwt_bound_to_another_certificate_is_not_sent_on_a_client_presenting_this_one()
    {
        using var other = TestCertificates.Create("CN=other");
        Issue(Jwt(TestCertificates.X5tS256(other)));

        await Assert.ThrowsAsync<CertificateBindingException>(() => Client("presenting").GetAsync(new Uri("me", UriKind.Relative)));

        Assert.Empty(_presenting.Seen);
    }

    [Fact]
    public async Task Opaque_tokens_of_a_provider_with_bound_access_tokens_are_treated_as_bound()
    {
        Issue("opaque-token-1", bound: true);

        await Assert.ThrowsAsync<CertificateBindingException>(() => Client("plain").GetAsync(new Uri("me", UriKind.Relative)));
        using var response = await Client("presenting").GetAsync(new Uri("me", UriKind.Relative));

        Assert.Equal("Bearer opaque-token-1", Assert.Single(_presenting.Seen));
    }

    [Fact]
    public async Task An_unbound_token_goes_out_on_a_client_without_a_certificate()
    {
        Issue("opaque-token-1", bound: false);
        _unpresented.Expect("https://api.example/me").WithHeaders("Authorization", "Bearer opaque-token-1").Respond(HttpStatusCode.OK);

        using var response = await Client("plain").GetAsync(new Uri("me", UriKind.Relative));

        _unpresented.VerifyNoOutstandingExpectation();
    }

    private static string Jwt(string thumbprint) =>
        Base64Url.EncodeToString("""{"alg":"none"}"""u8) + "."
        + Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$$"""{"sub":"c","exp":4102444800,"cnf":{"x5t#S256":"{{{thumbprint}}}"}}""")) + ".";

    private void Issue(string accessToken, bool bound = false)
    {
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", $$"""{"access_token":"{{accessToken}}","token_type":"Bearer","expires_in":3600}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "mtls-client";
            o.ClientAuthentication = ClientAuthenticationMethod.SelfSignedTlsClientAuth;
            o.ClientCertificate.Certificate = _certificate;
            o.ClientCertificate.BoundAccessTokens = bound;
        }));
        _harness.Services.AddHttpClient("plain", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("idp")
            .ConfigurePrimaryHttpMessageHandler(() => _unpresented);
        _harness.Services.AddHttpClient("presenting", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("idp").UseClientCertificate("idp")
            .ConfigurePrimaryHttpMessageHandler(() => _presenting);
    }

    private HttpClient Client(string name) => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient(name);

    /// <summary>Answers 200 without connecting, around the SocketsHttpHandler that UseClientCertificate configures.</summary>
    private sealed class AnsweringHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        public List<string> Seen { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (Seen)
            {
                Seen.Add(request.Headers.Authorization?.ToString() ?? "none");
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
