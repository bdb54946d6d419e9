using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Standard.Custom;

/// <summary>
/// The worked configurations of README.md's "Providers that bend the standard", each getting a token from MockHttp.
/// The README's code blocks must appear here line for line, so neither can change without the other.
/// </summary>
public sealed class ReadmeConfigurationTests : IAsyncDisposable
{
    private const string Section = "## Providers that bend the standard";
    private readonly Harness _harness = new();
    private readonly IConfiguration _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Acme:ClientSecret"] = "acme-secret",
        ["Ledger:Username"] = "ann",
        ["Ledger:Password"] = "p@ss",
        ["Portal:ClientSecret"] = "portal-secret",
        ["Portal:Username"] = "bob",
        ["Portal:Password"] = "bob-pass",
    }).Build();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Json_body_with_camel_case_names_and_a_wrapped_answer_with_expires_in_as_a_string()
    {
        var (services, configuration) = (_harness.Services, _configuration);
        _harness.Mock.Expect(HttpMethod.Post, "https://api.acme.example/v2/auth/token")
            .WithHeaders("X-Api-Version", "2")
            .WithHeaders("Content-Type", "application/json")
            .WithContent("""{"clientId":"acme-client","clientSecret":"acme-secret","grantType":"client_credentials","scope":"orders"}""")
            .Respond("application/json", """{"data":{"accessToken":"a1","expiresIn":"3600","refreshToken":"ar1"}}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://api.acme.example/v2/auth/token")
            .WithContent("""{"clientId":"acme-client","clientSecret":"acme-secret","grantType":"refresh_token","refreshToken":"ar1"}""")
            .Respond("application/json", """{"data":{"accessToken":"a2","expiresIn":"3600"}}""");
        services.AddTokenProvider("acme", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new("https://api.acme.example/v2/auth/token");
            o.Encoding = RequestEncoding.Json;   // {"clientId":"…","clientSecret":"…","grantType":"client_credentials","scope":"orders"}
            o.ClientId = "acme-client";
            o.ClientSecret = configuration["Acme:ClientSecret"];
            o.Scope = "orders";
            o.ParameterNames["client_id"] = "clientId";
            o.ParameterNames["client_secret"] = "clientSecret";
            o.ParameterNames["grant_type"] = "grantType";
            o.ParameterNames["refresh_token"] = "refreshToken";
            o.Headers["X-Api-Version"] = "2";
            o.Response.TokenPath = "data";       // {"data": {"accessToken": "…", "expiresIn": "3600", "refreshToken": "…"}}
            o.Response.AccessToken = "accessToken";
            o.Response.ExpiresIn = "expiresIn";
            o.Response.RefreshToken = "refreshToken";
            o.Response.Error = "code";           // {"code": "invalid_client", "message": "…"}
            o.Response.ErrorDescription = "message";
        }));
        RouteToMock("acme");
        var provider = _harness.Get("acme");

        var first = await provider.GetTokenAsync();
        Assert.Equal("a1", first.Value);
        Assert.Equal(_harness.Time.GetUtcNow().AddSeconds(3600), first.ExpiresAt);
        _harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("a2", (await provider.GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Json_configuration_reads_code_and_message_errors()
    {
        var (services, configuration) = (_harness.Services, _configuration);
        _harness.Mock.Expect(HttpMethod.Post, "https://api.acme.example/v2/auth/token")
            .Respond(HttpStatusCode.Unauthorized, "application/json", """{"code":"invalid_client","message":"Client disabled"}""");
        services.AddTokenProvider("acme", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new("https://api.acme.example/v2/auth/token");
            o.Encoding = RequestEncoding.Json;   // {"clientId":"…","clientSecret":"…","grantType":"client_credentials","scope":"orders"}
            o.ClientId = "acme-client";
            o.ClientSecret = configuration["Acme:ClientSecret"];
            o.Scope = "orders";
            o.ParameterNames["client_id"] = "clientId";
            o.ParameterNames["client_secret"] = "clientSecret";
            o.ParameterNames["grant_type"] = "grantType";
            o.ParameterNames["refresh_token"] = "refreshToken";
            o.Headers["X-Api-Version"] = "2";
            o.Response.TokenPath = "data";       // {"data": {"accessToken": "…", "expiresIn": "3600", "refreshToken": "…"}}
            o.Response.AccessToken = "accessToken";
            o.Response.ExpiresIn = "expiresIn";
            o.Response.RefreshToken = "refreshToken";
            o.Response.Error = "code";           // {"code": "invalid_client", "message": "…"}
            o.Response.ErrorDescription = "message";
        }));
        RouteToMock("acme");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Get("acme").GetTokenAsync().AsTask());

        Assert.Equal("invalid_client", error.Error);
        Assert.Equal("Client disabled", error.ErrorDescription);
    }

    [Fact]
    public async Task Query_string_configuration_sends_a_request_id_and_reads_an_absolute_expiry()
    {
        var (services, configuration) = (_harness.Services, _configuration);
        _harness.Mock.Expect(HttpMethod.Post, "https://auth.ledger.example/auth/token")
            .With(r => Regex.IsMatch(r.RequestUri!.Query, "^\\?grantType=password&tenant=acme&clientId=ledger-app&username=ann&password=p%40ss&requestId=[0-9a-f]{32}$"))
            .WithHeaders("Accept", "*/*")
            .WithHeaders("Content-Type", "application/x-www-form-urlencoded")
            .WithContent(string.Empty)
            .Respond("application/json", """{"access_token":"l1","expires_at":1767229200}""");
        services.AddTokenProvider("ledger", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new("https://auth.ledger.example/auth/token");
            o.Encoding = RequestEncoding.Query;  // ?grantType=password&tenant=acme&clientId=…&username=…&password=…&requestId=…
            o.GrantType = "password";
            o.ClientId = "ledger-app";
            o.Username = configuration["Ledger:Username"];
            o.Password = configuration["Ledger:Password"];   // in the URL: the token HttpClient logs nothing
            o.ParameterNames["client_id"] = "clientId";
            o.ParameterNames["grant_type"] = "grantType";
            o.ParameterNames["refresh_token"] = "refreshToken";
            o.Parameters["tenant"] = "acme";
            o.RequestIdParameter = "requestId";
            o.ParameterOrder.Add("grantType");   // first; the others keep the default order
            o.Response.ExpiresIn = "expires_at"; // {"access_token": "…", "expires_at": 1767229200}
            o.Response.ExpiryFormat = ExpiryFormat.UnixTimeSeconds;
            o.Response.ErrorDescription = "description";
        }));
        RouteToMock("ledger");

        var token = await _harness.Get("ledger").GetTokenAsync();

        Assert.Equal("l1", token.Value);
        Assert.Equal(_harness.Time.GetUtcNow().AddHours(1), token.ExpiresAt);
        _harness.Mock.VerifyNoOutstandingExpectation();
        Assert.DoesNotContain("p%40ss", _harness.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", _harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_stage_configuration_requests_the_user_token_with_the_client_token_as_bearer()
    {
        var (services, configuration) = (_harness.Services, _configuration);
        _harness.Mock.Expect(HttpMethod.Post, "https://portal.example/oauth/client-token")
            .WithHeaders("Authorization", "Basic " + Convert.ToBase64String("portal-app:portal-secret"u8.ToArray()))
            .WithContent("client_id=portal-app&grant_type=client_credentials")
            .Respond("application/json", """{"access_token":"client-1","expires_in":3600}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://portal.example/oauth/user-token")
            .WithHeaders("Authorization", "Bearer client-1")
            .WithContent("""{"grant_type":"password","username":"bob","password":"bob-pass"}""")
            .Respond("application/json", """{"access_token":"user-1"}""");
        services.AddTokenProvider("portal-client", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new("https://portal.example/oauth/client-token");
            o.ClientCredentials = ClientCredentialPlacement.Basic;
            o.ClientId = "portal-app";
            o.ClientSecret = configuration["Portal:ClientSecret"];
        }));
        services.AddTokenProvider("portal", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new("https://portal.example/oauth/user-token");
            o.Encoding = RequestEncoding.Json;   // {"grant_type":"password","username":"…","password":"…"}
            o.GrantType = "password";
            o.ClientCredentials = ClientCredentialPlacement.None;
            o.Username = configuration["Portal:Username"];
            o.Password = configuration["Portal:Password"];
            o.BearerTokenProvider = "portal-client";
            o.DefaultTokenLifetime = TimeSpan.FromMinutes(30);   // no expiry in the answer and an opaque token
        }));
        RouteToMock("portal-client");
        RouteToMock("portal");

        var token = await _harness.Get("portal").GetTokenAsync();

        Assert.Equal("user-1", token.Value);
        Assert.Equal(_harness.Time.GetUtcNow().AddMinutes(30), token.ExpiresAt);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public void The_readme_shows_exactly_these_configurations()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("\n" + Section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section \"{Section}\".");
        var end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        var blocks = Regex.Matches(readme[start..(end < 0 ? readme.Length : end)], "```csharp\n(.*?)```", RegexOptions.Singleline);
        var source = "\n" + Lines(File.ReadAllText(Path.Combine(root, "tests", "TokenClients.Tests", "Standard", "Custom", "ReadmeConfigurationTests.cs"))) + "\n";

        Assert.Equal(3, blocks.Count);
        foreach (Match block in blocks)
        {
            Assert.Contains("\n" + Lines(block.Groups[1].Value) + "\n", source, StringComparison.Ordinal);
        }
    }

    /// <summary>Sends the provider's token endpoint traffic to the harness's MockHttp.</summary>
    private void RouteToMock(string providerName) =>
        _harness.Services.AddHttpClient(TokenClientsHttp.ClientName(providerName)).ConfigurePrimaryHttpMessageHandler(() => _harness.Mock);

    /// <summary>The text's lines, trimmed, without the empty ones.</summary>
    private static string Lines(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TokenClients.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (TokenClients.sln) is not above " + AppContext.BaseDirectory);
    }
}
