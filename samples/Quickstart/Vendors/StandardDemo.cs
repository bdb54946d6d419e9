using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>A standard OAuth2 API, as an application's typed client.</summary>
internal sealed class StandardApi(HttpClient http) : VendorApi(http);

/// <summary>
/// Any standard OAuth2 server: client credentials, the client proving itself with a signed JWT (<c>private_key_jwt</c>,
/// RFC 7523) instead of a secret, and tokens bound to a DPoP key (RFC 9449): each API request carries a new proof.
/// Against the emulator, the run creates the client's key pair and registers its public half.
/// </summary>
internal sealed class StandardDemo() : VendorDemo("Standard OAuth2", "Standard", "standard", "client_credentials, private_key_jwt, DPoP")
{
    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // Authority (or TokenEndpoint), ClientId, Scope, and ClientAssertion:SigningKey (a private JWK): ClientCredentialsOptions.
        services.AddTokenProvider("standard", p => p.UseClientCredentials(o =>
        {
            // Read setting by setting: the options hold types (certificates, an assertion source) no binder should touch.
            o.Authority = Uri.TryCreate(section["Authority"], UriKind.Absolute, out var authority) ? authority : null;
            o.TokenEndpoint = Uri.TryCreate(section["TokenEndpoint"], UriKind.Absolute, out var endpoint) ? endpoint : null;
            o.ClientId = section["ClientId"];
            o.Scope = section["Scope"];
            o.ClientAssertion.SigningKey = section["ClientAssertion:SigningKey"];
            o.ClientAuthentication = ClientAuthenticationMethod.PrivateKeyJwt;
            o.DPoP.Enabled = true; // a P-256 proof key generated for this provider

        }));
        services.AddHttpClient<StandardApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("standard");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        // The client's key pair: the server knows the public key, the client holds the private one as a JWK.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicKey = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var options = new StandardOAuth2EmulatorOptions { AccessTokenLifetime = tokenLifetime, ClientAssertionKey = publicKey, RequireDPoP = true };
        var emulator = await StandardOAuth2Emulator.StartAsync(options, cancellationToken);
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["ClientId"] = options.ClientId,
            ["ClientAssertion:SigningKey"] = PrivateJwk(key),
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<StandardApi>();

    private static string PrivateJwk(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: true);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("kty", "EC");
            json.WriteString("crv", "P-256");
            json.WriteString("x", Base64Url.EncodeToString(parameters.Q.X));
            json.WriteString("y", Base64Url.EncodeToString(parameters.Q.Y));
            json.WriteString("d", Base64Url.EncodeToString(parameters.D));
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
