using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Protocol.DPoP;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Configuration;

/// <summary>DPoP from appsettings: <c>TokenProviders:idp:DPoP:Enabled</c> and <c>:Key</c>, checked on start with the configuration path.</summary>
public sealed class DPoPConfigurationTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Dpop_enabled_in_configuration_with_a_supplied_key_signs_the_token_request_with_that_key()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = ec.ExportParameters(true);
        string? proof = null;
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond(request =>
        {
            proof = request.Headers.GetValues("DPoP").Single();
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"access_token":"a","token_type":"DPoP","expires_in":60}""", Encoding.UTF8, "application/json"),
            };
        });

        Register(("DPoP:Enabled", "true"), ("DPoP:Key", new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y), ["d"] = B(p.D) }.ToJsonString()));
        var token = await _harness.Get("idp").GetTokenAsync();

        Assert.Equal("DPoP", token.Scheme);
        Assert.Equal(B(p.Q.X), DPoPProof.Read(proof!).Header.GetProperty("jwk").GetProperty("x").GetString());
    }

    [Fact]
    public void An_unusable_dpop_key_fails_on_start_naming_its_configuration_path_and_quoting_nothing()
    {
        var message = Validate(("DPoP:Enabled", "true"), ("DPoP:Key", """{"kty":"EC","crv":"P-256","x":"c2VjcmV0LXZhbHVl"}"""));

        Assert.Contains("TokenProviders:idp:DPoP:Key is unusable: ", message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0LXZhbHVl", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dpop_key_without_enabled_fails_on_start()
    {
        var message = Validate(("DPoP:Key", "{}"));

        Assert.Contains("TokenProviders:idp:DPoP:Enabled must be true when DPoP:Key is set", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dpop_flag_that_is_not_a_boolean_fails_on_start()
    {
        var message = Validate(("DPoP:Enabled", "maybe"));

        Assert.Contains("TokenProviders:idp:DPoP:Enabled must be true or false", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_dpop_setting_fails_on_start_listing_the_settings()
    {
        var message = Validate(("DPoP:Algorithm", "ES256"));

        Assert.Contains("TokenProviders:idp:DPoP:Algorithm is not a setting of DPoP; the settings are Enabled, Key", message, StringComparison.Ordinal);
    }

    private string Validate(params (string Key, string Value)[] dpop)
    {
        Register(dpop);
        return Assert.ThrowsAny<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate).Message;
    }

    private void Register(params (string Key, string Value)[] dpop)
    {
        var values = new Dictionary<string, string?>
        {
            ["TokenProviders:idp:Kind"] = "ClientCredentials",
            ["TokenProviders:idp:TokenEndpoint"] = TokenUrl,
            ["TokenProviders:idp:ClientId"] = "c",
            ["TokenProviders:idp:ClientSecret"] = "s",
        };
        foreach (var (key, value) in dpop)
        {
            values["TokenProviders:idp:" + key] = value;
        }

        _harness.Services.AddTokenProviders(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("TokenProviders"));
        _harness.Services.AddHttpClient(TokenClientsHttp.ClientName("idp")).ConfigurePrimaryHttpMessageHandler(() => _harness.Mock);
    }

    private static string B(byte[]? bytes) => Base64Url.EncodeToString(bytes!);
}
