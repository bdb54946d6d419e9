using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.Custom;

/// <summary>Non-standard endpoints described by options, each going through caching, expiry and refresh.</summary>
public sealed class CustomTokenClientTests : IAsyncDisposable
{
    private const string Url = "https://auth.example/token";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Json_body_with_camel_case_names_and_a_wrapped_response_with_expires_in_as_a_string()
    {
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .WithHeaders("X-Api-Version", "2")
            .WithContent("""{"clientId":"c","clientSecret":"s","grantType":"client_credentials","scope":"read"}""")
            .Respond("application/json", """{"data":{"token":"t1","expiresIn":"120","refresh":"r1"}}""");
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .WithContent("""{"clientId":"c","clientSecret":"s","grantType":"refresh_token","refreshToken":"r1"}""")
            .Respond("application/json", """{"data":{"token":"t2","expiresIn":"120"}}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.Encoding = RequestEncoding.Json;
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.Scope = "read";
            o.ParameterNames["client_id"] = "clientId";
            o.ParameterNames["client_secret"] = "clientSecret";
            o.ParameterNames["grant_type"] = "grantType";
            o.ParameterNames["refresh_token"] = "refreshToken";
            o.Headers["X-Api-Version"] = "2";
            o.Response.TokenPath = "data";
            o.Response.AccessToken = "token";
            o.Response.ExpiresIn = "expiresIn";
            o.Response.RefreshToken = "refresh";
        }));
        var provider = _harness.Get("custom");

        var first = await provider.GetTokenAsync();
        Assert.Equal(_harness.Time.GetUtcNow().AddSeconds(120), first.ExpiresAt);
        Assert.Same(first, await provider.GetTokenAsync());
        _harness.Time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal("t2", (await provider.GetTokenAsync()).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Query_string_parameters_with_a_custom_grant_and_absolute_expiry()
    {
        var expiresAt = _harness.Time.GetUtcNow().AddMinutes(10);
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .WithQueryString("client_id=c&grant_type=urn%3Aexample%3Aapi-key&api_key=k")
            .WithContent(string.Empty)
            .Respond("application/json", $$"""{"access_token":"q1","expires_at":"{{expiresAt:O}}"}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.Encoding = RequestEncoding.Query;
            o.GrantType = "urn:example:api-key";
            o.RefreshGrantType = null;
            o.ClientId = "c";
            o.Response.ExpiresIn = "expires_at";
            o.Response.ExpiryFormat = ExpiryFormat.DateTime;
        }));
        var provider = _harness.Get("custom");

        var token = await provider.GetTokenAsync(new TokenContext(parameters: [new("api_key", "k")]));

        Assert.Equal(expiresAt, token.ExpiresAt);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Bearer_token_from_another_provider_authorises_the_request()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.example/client").Respond("application/json", """{"access_token":"client-1","expires_in":3600}""");
        _harness.Mock.Expect(HttpMethod.Post, Url).WithHeaders("Authorization", "Bearer client-1").Respond(HttpStatusCode.Unauthorized, "application/json", """{"message":"expired"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.example/client").Respond("application/json", """{"access_token":"client-2","expires_in":3600}""");
        _harness.Mock.Expect(HttpMethod.Post, Url).WithHeaders("Authorization", "Bearer client-2").Respond("application/json", """{"access_token":"user-1","expires_in":3600}""");
        _harness.AddProvider("client", p => p.UseCustom(o => { o.TokenEndpoint = new Uri("https://auth.example/client"); o.ClientId = "c"; o.ClientSecret = "s"; }));
        _harness.AddProvider("user", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.GrantType = "password";
            o.ClientId = "c";
            o.Username = "u";
            o.Password = "p";
            o.BearerTokenProvider = "client";
        }));

        Assert.Equal("user-1", (await _harness.Get("user").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Description_shaped_errors_map_to_token_request_exceptions()
    {
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(HttpStatusCode.Forbidden, "application/json", """{"description":"Forbidden"}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.Response.ErrorDescription = "description";
        }));

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Get("custom").GetTokenAsync().AsTask());

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("Forbidden", error.ErrorDescription);
    }

    [Fact]
    public async Task Basic_client_authentication_form_encodes_the_credentials()
    {
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .WithHeaders("Authorization", "Basic " + Convert.ToBase64String("a%2Bb:s%3Ds"u8.ToArray()))
            .WithContent("client_id=a%2Bb&grant_type=client_credentials")
            .Respond("application/json", """{"access_token":"b1","expires_in":"60"}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientCredentials = ClientCredentialPlacement.Basic;
            o.ClientId = "a+b";
            o.ClientSecret = "s=s";
        }));

        Assert.Equal("b1", (await _harness.Get("custom").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Parameter_order_sends_the_listed_names_first_and_the_rest_in_the_default_order()
    {
        // Default order: tenant (static), clientId, grantType, user, pass, scope. "nonce" is listed but never sent.
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .WithContent("""{"grantType":"password","user":"u","tenant":"t","clientId":"c","pass":"p","scope":"read"}""")
            .Respond("application/json", """{"access_token":"o1","expires_in":60}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.Encoding = RequestEncoding.Json;
            o.GrantType = "password";
            o.ClientId = "c";
            o.Username = "u";
            o.Password = "p";
            o.Scope = "read";
            o.ParameterNames["client_id"] = "clientId";
            o.ParameterNames["grant_type"] = "grantType";
            o.ParameterNames["username"] = "user";
            o.ParameterNames["password"] = "pass";
            o.Parameters["tenant"] = "t";
            o.ParameterOrder.Add("grantType");
            o.ParameterOrder.Add("nonce");
            o.ParameterOrder.Add("user");
            o.ParameterOrder.Add("tenant");
        }));

        Assert.Equal("o1", (await _harness.Get("custom").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }
}
