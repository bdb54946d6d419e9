using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.OAuth2;

/// <summary>The exact wire of each standard grant and client authentication method (RFC 6749).</summary>
public sealed class StandardGrantWireTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private const string TokenJson = """{"access_token":"at-1","token_type":"bearer","expires_in":3600,"scope":"api"}""";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Client_credentials_with_client_secret_basic_sends_form_encoded_basic_header()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl)
            .WithHeaders("Authorization", "Basic " + Convert.ToBase64String("my%3Aclient:s%26cret"u8.ToArray()))
            .WithExactFormData([new("grant_type", "client_credentials"), new("scope", "api")])
            .Respond("application/json", TokenJson);
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "my:client";
            o.ClientSecret = "s&cret";
            o.Scope = "api";
        }));

        var token = await _harness.Get("idp").GetTokenAsync();

        Assert.Equal("at-1", token.Value);
        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(_harness.Time.GetUtcNow().AddHours(1), token.ExpiresAt);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Client_credentials_with_client_secret_post_sends_credentials_in_the_body()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl)
            .With(request => request.Headers.Authorization is null)
            .WithExactFormData([new("grant_type", "client_credentials"), new("client_id", "c"), new("client_secret", "s"), new("resource", "urn:api"), new("audience", "x")])
            .Respond("application/json", TokenJson);
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
            o.Resource = "urn:api";
            o.Parameters["audience"] = "x";
        }));

        await _harness.Get("idp").GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Password_grant_then_refresh_token_grant()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl)
            .WithExactFormData([new("grant_type", "password"), new("username", "alice"), new("password", "pw"), new("client_id", "c"), new("client_secret", "s")])
            .Respond("application/json", """{"access_token":"at-1","token_type":"Bearer","expires_in":60,"refresh_token":"rt-1"}""");
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl)
            .WithExactFormData([new("grant_type", "refresh_token"), new("refresh_token", "rt-1"), new("client_id", "c"), new("client_secret", "s")])
            .Respond("application/json", """{"access_token":"at-2","token_type":"Bearer","expires_in":60}""");
        _harness.AddProvider("idp", p => p.UsePassword(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
            o.Username = "alice";
            o.Password = "pw";
        }));
        var provider = _harness.Get("idp");

        Assert.Equal("at-1", (await provider.GetTokenAsync()).Value);
        _harness.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("at-2", (await provider.GetTokenAsync()).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Token_endpoint_is_discovered_from_the_authority_once()
    {
        _harness.Mock.Expect(HttpMethod.Get, "https://idp.example/.well-known/openid-configuration")
            .Respond("application/json", """{"issuer":"https://idp.example","token_endpoint":"https://idp.example/connect/token","jwks_uri":"https://idp.example/jwks"}""");
        _harness.Mock.Expect(HttpMethod.Get, "https://idp.example/jwks").Respond("application/json", """{"keys":[]}""");
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-1","expires_in":1}""");
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-2","expires_in":3600}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.Authority = new Uri("https://idp.example");
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));
        var provider = _harness.Get("idp");

        await provider.GetTokenAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("at-2", (await provider.GetTokenAsync()).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"error":"invalid_scope","error_description":"unknown scope"}""", "invalid_scope", "unknown scope")]
    [InlineData(HttpStatusCode.Unauthorized, """{"error":"invalid_client"}""", "invalid_client", null)]
    public async Task Error_responses_become_token_request_exceptions(HttpStatusCode status, string body, string error, string? description)
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond(status, "application/json", body);
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "super-secret-value";
        }));

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Get("idp").GetTokenAsync().AsTask());

        Assert.Equal("idp", exception.ProviderName);
        Assert.Equal(status, exception.StatusCode);
        Assert.Equal(error, exception.Error);
        Assert.Equal(description, exception.ErrorDescription);
        Assert.Contains("'idp'", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-value", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret-value", _harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expiry_falls_back_to_the_jwt_exp_claim_when_expires_in_is_absent()
    {
        var exp = _harness.Time.GetUtcNow().AddMinutes(7).ToUnixTimeSeconds();
        var jwt = "eyJhbGciOiJIUzI1NiJ9." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($$"""{"sub":"x","exp":{{exp}}}""")) + ".sig";
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", $$"""{"access_token":"{{jwt}}","token_type":"Bearer"}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));

        var token = await _harness.Get("idp").GetTokenAsync();

        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(exp), token.ExpiresAt);
    }

    [Fact]
    public async Task Expiry_falls_back_to_the_default_lifetime_without_expires_in_or_jwt()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"opaque"}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.DefaultTokenLifetime = TimeSpan.FromMinutes(2);
        }));

        var token = await _harness.Get("idp").GetTokenAsync();

        Assert.Equal(_harness.Time.GetUtcNow().AddMinutes(2), token.ExpiresAt);
    }
}
