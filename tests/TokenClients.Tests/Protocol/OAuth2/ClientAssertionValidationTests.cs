using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.OAuth2;

/// <summary>private_key_jwt and client_secret_jwt: what is checked on start, and what goes on the wire.</summary>
public sealed class ClientAssertionValidationTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public void Private_key_jwt_without_a_key_fails_on_start_naming_the_settings()
    {
        var message = Validate(o => o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt);

        Assert.Contains("Token provider 'idp': ClientAuthentication PrivateKeyJwt needs a signing key", message, StringComparison.Ordinal);
        Assert.Contains("ClientAssertion:SigningKey", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Private_key_jwt_with_a_client_secret_too_fails_on_start()
    {
        var message = Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientSecret = "a-secret";
            o.ClientAssertion.SigningKey = Jwk();
        });

        Assert.Contains("set either ClientSecret (with another ClientAuthentication) or a key, not both", message, StringComparison.Ordinal);
        Assert.DoesNotContain("a-secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_key_sources_fail_on_start_naming_both()
    {
        var message = Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientAssertion.SigningKey = Jwk();
            o.ClientAssertion.CertificatePath = "/nowhere/client.pfx";
        });

        Assert.Contains("found ClientAssertion:SigningKey, ClientAssertion:CertificatePath", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signing_key_that_is_not_a_private_jwk_fails_on_start_without_quoting_it()
    {
        var publicOnly = Jwk().Replace("\"d\"", "\"not-d\"", StringComparison.Ordinal);
        var messages = new[] { "{not json", """{"kty":"oct","k":"c2VjcmV0"}""", publicOnly }.Select(key => Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientAssertion.SigningKey = key;
        })).ToList();

        Assert.Contains("ClientAssertion:SigningKey is not a usable private JSON Web Key", messages[0], StringComparison.Ordinal);
        Assert.Contains("ClientAssertion:SigningKey is not an RSA or EC JSON Web Key", messages[1], StringComparison.Ordinal);
        Assert.Contains("ClientAssertion:SigningKey lacks the 'd' member", messages[2], StringComparison.Ordinal);
        Assert.All(messages, message => Assert.DoesNotContain("c2VjcmV0", message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_secret_jwt_with_a_short_secret_or_a_key_fails_on_start()
    {
        var shortSecret = Validate(o =>
        {
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretJwt;
            o.ClientSecret = "short";
        });
        await using var other = new Harness();
        other.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            Defaults(o);
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretJwt;
            o.ClientSecret = new string('s', 40);
            o.ClientAssertion.SigningKey = Jwk();
        }));
        var withKey = Assert.Throws<OptionsValidationException>(other.Provider.GetRequiredService<IStartupValidator>().Validate).Message;

        Assert.Contains("ClientSecret is shorter than 32 bytes", shortSecret, StringComparison.Ordinal);
        Assert.Contains("ClientSecretJwt signs with ClientSecret; remove ClientAssertion:SigningKey", withKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Private_key_jwt_sends_the_client_id_and_an_assertion_and_no_secret()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl)
            .With(request => request.Headers.Authorization is null)
            .WithFormData("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
            .WithFormData("client_id", "c")
            .With(request => request.Content!.ReadAsStringAsync().Result is var body && body.Contains("client_assertion=", StringComparison.Ordinal)
                && !body.Contains("client_secret", StringComparison.Ordinal))
            .Respond("application/json", """{"access_token":"at-1","token_type":"Bearer","expires_in":3600}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            Defaults(o);
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.ClientAssertion.SigningKey = Jwk();
        }));

        await _harness.Get("idp").GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    private static string Validate(Action<ClientCredentialsOptions> configure)
    {
        var harness = new Harness();
        try
        {
            harness.AddProvider("idp", p => p.UseClientCredentials(o =>
            {
                Defaults(o);
                configure(o);
            }));
            return Assert.Throws<OptionsValidationException>(harness.Provider.GetRequiredService<IStartupValidator>().Validate).Message;
        }
        finally
        {
            harness.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Defaults(ClientCredentialsOptions o)
    {
        o.TokenEndpoint = new Uri(TokenUrl);
        o.ClientId = "c";
    }

    private static string Jwk()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(includePrivateParameters: true);
        return $$"""{"kty":"EC","crv":"P-256","x":"{{B(p.Q.X!)}}","y":"{{B(p.Q.Y!)}}","d":"{{B(p.D!)}}"}""";
    }

    private static string B(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
