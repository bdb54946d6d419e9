using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    public async Task Request_id_parameter_is_fresh_per_request_after_the_grant_and_before_the_call_parameters()
    {
        var bodies = new List<string>();
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request => Answer(request, bodies, """{"access_token":"a1","expires_in":60,"refresh_token":"r1"}"""));
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request => Answer(request, bodies, """{"access_token":"a2","expires_in":60}"""));
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.RequestIdParameter = "request_id";
        }));
        var provider = _harness.Get("custom");
        var context = new TokenContext(parameters: [new("audience", "api")]);

        await provider.GetTokenAsync(context);
        _harness.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("a2", (await provider.GetTokenAsync(context)).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
        var first = Regex.Match(bodies[0], "^client_id=c&client_secret=s&grant_type=client_credentials&request_id=([0-9a-f]{32})&audience=api$");
        var refresh = Regex.Match(bodies[1], "^client_id=c&client_secret=s&grant_type=refresh_token&refresh_token=r1&request_id=([0-9a-f]{32})&audience=api$");
        Assert.True(first.Success, bodies[0]);
        Assert.True(refresh.Success, bodies[1]);
        Assert.NotEqual(first.Groups[1].Value, refresh.Groups[1].Value);
    }

    [Fact]
    public async Task Request_id_header_carries_the_same_id_as_the_request_id_parameter()
    {
        string? header = null;
        string? query = null;
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request =>
        {
            header = string.Join(",", request.Headers.GetValues("X-Request-ID"));
            query = request.RequestUri!.Query;
            return Answer(request, [], """{"access_token":"h1","expires_in":60}""");
        });
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.Encoding = RequestEncoding.Query;
            o.ClientId = "c";
            o.RequestIdParameter = "rid";
            o.RequestIdHeader = "X-Request-ID";
        }));

        Assert.Equal("h1", (await _harness.Get("custom").GetTokenAsync()).Value);

        Assert.Matches("^[0-9a-f]{32}$", header);
        Assert.Equal($"?client_id=c&grant_type=client_credentials&rid={header}", query);
    }

    [Fact]
    public async Task Request_id_header_alone_adds_no_parameter()
    {
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .With(r => r.Headers.TryGetValues("X-Correlation-ID", out var values) && Regex.IsMatch(values.Single(), "^[0-9a-f]{32}$"))
            .WithContent("client_id=c&grant_type=client_credentials")
            .Respond("application/json", """{"access_token":"h1","expires_in":60}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.RequestIdHeader = "X-Correlation-ID";
        }));

        Assert.Equal("h1", (await _harness.Get("custom").GetTokenAsync()).Value);
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

    [Fact]
    public async Task Request_id_and_parameter_order_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenEndpoint"] = Url,
            ["Encoding"] = "Query",
            ["ClientId"] = "c",
            ["RequestIdParameter"] = "txn",
            ["RequestIdHeader"] = "X-Correlation-ID",
            ["ParameterNames:client_id"] = "clientId",
            ["Parameters:tenant"] = "acme",
            ["ParameterOrder:0"] = "clientId",
            ["ParameterOrder:1"] = "txn",
            ["ParameterOrder:2"] = "tenant",
        }).Build();
        string? header = null;
        string? query = null;
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request =>
        {
            header = string.Join(",", request.Headers.GetValues("X-Correlation-ID"));
            query = request.RequestUri!.Query;
            return Answer(request, [], """{"access_token":"b1","expires_in":60}""");
        });
        _harness.AddProvider("custom", p => p.UseCustom(configuration.Bind));

        Assert.Equal("b1", (await _harness.Get("custom").GetTokenAsync()).Value);

        Assert.Equal($"?clientId=c&txn={header}&tenant=acme&grant_type=client_credentials", query);
    }

    [Fact]
    public void Request_id_also_among_the_static_parameters_or_headers_fails_at_startup()
    {
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.RequestIdParameter = "rid";
            o.Parameters["rid"] = "fixed";
            o.RequestIdHeader = "X-Request-ID";
            o.Headers["x-request-id"] = "fixed";
        }));

        var error = Assert.Throws<OptionsValidationException>(() => _harness.Get("custom"));

        Assert.Contains("Token provider 'custom': RequestIdParameter 'rid' is also among Parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains("Token provider 'custom': RequestIdHeader 'X-Request-ID' is also among Headers", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> Answer(HttpRequestMessage request, List<string> bodies, string json)
    {
        bodies.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync());
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
