using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Vendors;

/// <summary>Each adapter's wire, pinned to its vendor's page in shared/vendors/ and the digest there (README.md).</summary>
public sealed class VendorWireTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    private string Jwt(TimeSpan lifetime) =>
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
        System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"sub":"u","exp":{{_harness.Time.GetUtcNow().Add(lifetime).ToUnixTimeSeconds()}}}""")) + ".sig";

    [Fact]
    public async Task Mluvii_posts_the_form_of_the_curl_example_including_response_type()
    {
        // mluvii.md, Step 2: curl -X POST https://app.mluvii.com/login/connect/token -d 'response_type=token&grant_type=client_credentials&…'
        _harness.Mock.Expect(HttpMethod.Post, "https://app.mluvii.com/login/connect/token")
            .WithHeaders("Content-Type", "application/x-www-form-urlencoded")
            .WithContent("response_type=token&grant_type=client_credentials&client_id=api-user&client_secret=api-pass")
            .Respond("application/json", """{"access_token":"m1","expires_in":3600,"token_type":"Bearer"}""");
        _harness.AddProvider("mluvii", p => p.UseMluvii(o => { o.ClientId = "api-user"; o.ClientSecret = "api-pass"; }));

        var token = await _harness.Get("mluvii").GetTokenAsync();

        Assert.Equal("m1", token.Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Mluvii_on_premise_uses_its_own_domain_and_re_acquires_without_refresh()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://chat.example.cz/login/connect/token").Respond("application/json", """{"access_token":"m1","expires_in":3600}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://chat.example.cz/login/connect/token").WithFormData("grant_type", "client_credentials").Respond("application/json", """{"access_token":"m2","expires_in":3600}""");
        _harness.AddProvider("mluvii", p => p.UseMluvii(o => { o.BaseAddress = new Uri("https://chat.example.cz"); o.ClientId = "u"; o.ClientSecret = "p"; }));
        var provider = _harness.Get("mluvii");

        await provider.GetTokenAsync();
        _harness.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("m2", (await provider.GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task MoodHood_gets_the_client_token_then_the_user_token_with_it_as_bearer_in_json()
    {
        // moodhood.md: "Generating client access token" then "Generating user access token" (Authorization: Bearer <client token>).
        var clientToken = Jwt(TimeSpan.FromDays(7));
        var userToken = Jwt(TimeSpan.FromHours(2));
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .With(r => r.Headers.Authorization is null && r.Content!.Headers.ContentType!.MediaType == "application/json")
            .WithContent("""{"client_id":"john-smith","client_secret":"VTyt","grant_type":"client_credentials"}""")
            .Respond("application/json", $$"""{"token_type":"Bearer","access_token":"{{clientToken}}","refresh_token":"crt"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .WithHeaders("Authorization", "Bearer " + clientToken)
            .WithContent("""{"client_id":"john-smith","client_secret":"VTyt","grant_type":"password","username":"test_user@test.test","password":"123456"}""")
            .Respond("application/json", $$"""{"access_token":"{{userToken}}","token_type":"Bearer","refresh_token":"urt"}""");
        _harness.AddProvider("moodhood", p => p.UseMoodHood(o =>
        {
            o.ClientId = "john-smith";
            o.ClientSecret = "VTyt";
            o.Username = "test_user@test.test";
            o.Password = "123456";
        }));

        var token = await _harness.Get("moodhood").GetTokenAsync();

        Assert.Equal(userToken, token.Value);
        // No expires_in on the page: the expiry is the JWT's exp.
        Assert.Equal(_harness.Time.GetUtcNow().AddHours(2).ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task MoodHood_refreshes_the_user_token_and_falls_back_to_the_user_grant_when_refused()
    {
        var clientToken = Jwt(TimeSpan.FromDays(7));
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithContent("""{"client_id":"c","client_secret":"s","grant_type":"client_credentials"}""")
            .Respond("application/json", $$"""{"access_token":"{{clientToken}}"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithPartialContent("\"grant_type\":\"password\"")
            .Respond("application/json", $$"""{"access_token":"{{Jwt(TimeSpan.FromMinutes(10))}}","refresh_token":"urt-1"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .WithHeaders("Authorization", "Bearer " + clientToken)
            .WithContent("""{"client_id":"c","client_secret":"s","grant_type":"refresh_token","refresh_token":"urt-1"}""")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_grant"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithPartialContent("\"grant_type\":\"password\"")
            .Respond("application/json", $$"""{"access_token":"{{Jwt(TimeSpan.FromMinutes(30))}}","refresh_token":"urt-2"}""");
        _harness.AddProvider("moodhood", p => p.UseMoodHood(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.Username = "u"; o.Password = "p"; }));
        var provider = _harness.Get("moodhood");

        await provider.GetTokenAsync();
        _harness.Time.Advance(TimeSpan.FromMinutes(10));
        await provider.GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Telmai_sends_camel_case_parameters_in_the_query_with_an_empty_form_body()
    {
        // telmai.md: POST {auth_endpoint}/auth/token?clientId=…&grantType=password&username=…&password=… -H 'accept: */*' -d ''
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token")
            .With(r => r.RequestUri!.Query.StartsWith("?clientId=tc&grantType=password&username=ann&password=p%40ss&transactionId=", StringComparison.Ordinal)
                && r.RequestUri.Query.EndsWith("&tenant=acme", StringComparison.Ordinal))
            .WithHeaders("Accept", "*/*")
            .WithHeaders("Content-Type", "application/x-www-form-urlencoded")
            .WithContent(string.Empty)
            .Respond("application/json", """{"expires":3600,"access_token":"t1","refresh_token":"tr1","token_type":"Bearer"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token")
            .With(r => r.RequestUri!.Query.StartsWith("?clientId=tc&grantType=refresh_token&refreshToken=tr1&transactionId=", StringComparison.Ordinal)
                && !r.RequestUri.Query.Contains("password", StringComparison.Ordinal))
            .Respond("application/json", """{"expires":3600,"access_token":"t2","refresh_token":"tr2","token_type":"Bearer"}""");
        _harness.AddProvider("telmai", p => p.UseTelmai(o =>
        {
            o.AuthEndpoint = new Uri("https://auth.telmai.example");
            o.ClientId = "tc";
            o.Username = "ann";
            o.Password = "p@ss";
            o.Tenant = "acme";
        }));
        var provider = _harness.Get("telmai");

        var first = await provider.GetTokenAsync();
        Assert.Equal(_harness.Time.GetUtcNow().AddSeconds(3600), first.ExpiresAt); // `expires`, not `expires_in`
        _harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("t2", (await provider.GetTokenAsync()).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
        Assert.DoesNotContain("p%40ss", _harness.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", _harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telmai_description_errors_become_token_request_exceptions_without_the_password()
    {
        // telmai.md, 401 tab: {"description": "Unauthorized"}
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token").Respond(HttpStatusCode.Unauthorized, "application/json", """{"description": "Unauthorized"}""");
        _harness.AddProvider("telmai", p => p.UseTelmai(o =>
        {
            o.AuthEndpoint = new Uri("https://auth.telmai.example");
            o.ClientId = "tc";
            o.Username = "ann";
            o.Password = "hunter2-secret";
        }));

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Get("telmai").GetTokenAsync().AsTask());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Unauthorized", error.ErrorDescription);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", _harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oli_logs_in_with_the_password_grant_and_apiclient_then_refreshes()
    {
        // oli.md: "User Authentication" and "Refreshing", form bodies, client_id apiclient, lower-case bearer.
        const string url = "https://auth.olisystems.com/auth/realms/api/protocol/openid-connect/token";
        _harness.Mock.Expect(HttpMethod.Post, url)
            .With(r => r.Headers.Authorization is null)
            .WithExactFormData([new("username", "oli-user"), new("password", "oli-pass"), new("grant_type", "password"), new("client_id", "apiclient")])
            .Respond("application/json", """{"access_token":"o1","expires_in":300,"refresh_expires_in":1800,"refresh_token":"or1","token_type":"bearer","not-before-policy":1588002927,"session_state":"b0451c5f","scope":"oli_user_role"}""");
        _harness.Mock.Expect(HttpMethod.Post, url)
            .WithExactFormData([new("refresh_token", "or1"), new("grant_type", "refresh_token"), new("client_id", "apiclient")])
            .Respond("application/json", """{"access_token":"o2","expires_in":300,"refresh_expires_in":1800,"refresh_token":"or2","token_type":"bearer"}""");
        _harness.AddProvider("oli", p => p.UseOli(o => { o.Username = "oli-user"; o.Password = "oli-pass"; }));
        var provider = _harness.Get("oli");

        var first = await provider.GetTokenAsync();
        Assert.Equal("Bearer", first.Scheme);
        _harness.Time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal("o2", (await provider.GetTokenAsync()).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Oli_logs_in_again_when_the_refresh_token_has_expired()
    {
        // oli.md: refresh_expires_in; the digest: when it has passed, log in again with the password grant.
        const string url = "https://sso.example.com/realms/tenant-a/protocol/openid-connect/token";
        _harness.Mock.Expect(HttpMethod.Post, url).WithFormData("grant_type", "password")
            .Respond("application/json", """{"access_token":"o1","expires_in":300,"refresh_expires_in":200,"refresh_token":"or1","token_type":"bearer"}""");
        _harness.Mock.Expect(HttpMethod.Post, url).WithFormData("grant_type", "password")
            .Respond("application/json", """{"access_token":"o2","expires_in":300,"refresh_expires_in":200,"refresh_token":"or2","token_type":"bearer"}""");
        _harness.AddProvider("keycloak", p => p.UseOli(o =>
        {
            o.ServerAddress = new Uri("https://sso.example.com");
            o.LegacyAuthPrefix = false;
            o.Realm = "tenant-a";
            o.Username = "u";
            o.Password = "p";
        }));
        var provider = _harness.Get("keycloak");

        await provider.GetTokenAsync();
        _harness.Time.Advance(TimeSpan.FromSeconds(300));

        Assert.Equal("o2", (await provider.GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task JustLogin_builds_the_authorize_url_with_state_and_pkce_and_exchanges_the_code_with_credentials_in_the_body()
    {
        // justlogin.md: Auth URL, Access Token URL, scope openid, "Send client credentials in body".
        _harness.AddProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.ClientId = "jl-client";
            o.ClientSecret = "jl-secret";
            o.RedirectUri = new Uri("https://app.example/callback");
        }));
        var flow = _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");

        var start = await flow.StartAsync("acme/alice");

        var query = System.Web.HttpUtility.ParseQueryString(start.AuthorizeUri.Query);
        Assert.Equal("https://apis.justlogin.com/v1/auth/connect/authorize", start.AuthorizeUri.GetLeftPart(UriPartial.Path));
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("jl-client", query["client_id"]);
        Assert.Equal("openid", query["scope"]);
        Assert.Equal("https://app.example/callback", query["redirect_uri"]);
        Assert.Equal(start.State, query["state"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        var challenge = query["code_challenge"]!;

        _harness.Mock.Expect(HttpMethod.Post, "https://apis.justlogin.com/v1/auth/connect/token")
            .With(r => r.Headers.Authorization is null)
            .With(r => VerifierMatches(r, challenge))
            .WithFormData([new("grant_type", "authorization_code"), new("code", "the-code"), new("redirect_uri", "https://app.example/callback"), new("client_id", "jl-client"), new("client_secret", "jl-secret")])
            .Respond("application/json", """{"access_token":"j1","expires_in":3600,"token_type":"Bearer","refresh_token":"jr1","scope":"openid"}""");
        // justlogin.md, "Refresh Tokens": the form with the client credentials, and the access token as Bearer.
        _harness.Mock.Expect(HttpMethod.Post, "https://apis.justlogin.com/v1/auth/connect/token")
            .WithHeaders("Authorization", "Bearer j1")
            .WithExactFormData([new("grant_type", "refresh_token"), new("refresh_token", "jr1"), new("client_id", "jl-client"), new("client_secret", "jl-secret")])
            .Respond("application/json", """{"access_token":"j2","expires_in":3600,"token_type":"Bearer","refresh_token":"jr2"}""");

        var result = await flow.CompleteAsync(new Uri($"https://app.example/callback?code=the-code&state={start.State}"), "acme/alice");
        var provider = _harness.Get("justlogin");
        var alice = TokenContext.ForSubject("acme/alice");
        Assert.Equal("acme/alice", result.Subject);
        Assert.Equal("j1", (await provider.GetTokenAsync(alice)).Value);

        _harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("j2", (await provider.GetTokenAsync(alice)).Value);
        Assert.Equal("jr2", (await _harness.Provider.GetRequiredService<ITokenStore>().GetAsync("justlogin", "acme/alice"))!.RefreshToken);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task JustLogin_rejects_a_callback_with_an_unknown_state()
    {
        _harness.AddProvider("justlogin", p => p.UseJustLogin(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new Uri("https://app.example/cb"); }));
        var flow = _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        await flow.StartAsync("bob");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(new Uri("https://app.example/cb?code=x&state=forged"), "bob"));

        Assert.Equal("invalid_state", error.Error);
    }

    private static bool VerifierMatches(HttpRequestMessage request, string challenge)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
        var verifier = form["code_verifier"];
        return verifier is not null
            && System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == challenge;
    }
}
