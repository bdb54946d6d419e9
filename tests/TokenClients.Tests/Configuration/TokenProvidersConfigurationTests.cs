using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.Tests.Configuration;

public sealed class TokenProvidersConfigurationTests : IAsyncDisposable
{
    private const string AllKinds = """
        {
          "TokenProviders": {
            "mluvii":    { "Kind": "Mluvii", "ClientId": "m-id", "ClientSecret": "m-secret", "Authority": "https://chat.example/" },
            "moodhood":  { "Kind": "MoodHood", "ClientId": "mh-id", "ClientSecret": "mh-secret", "Username": "mh-user", "Password": "mh-pass" },
            "telmai":    { "Kind": "Telmai", "Authority": "https://telmai.example/", "ClientId": "t-id", "Username": "t-user", "Password": "t-pass", "Tenant": "acme" },
            "oli":       { "Kind": "Oli", "Username": "o-user", "Password": "o-pass", "Realm": "other", "LegacyAuthPrefix": "false" },
            "justlogin": { "Kind": "JustLogin", "ClientId": "j-id", "ClientSecret": "j-secret", "RedirectUri": "https://app.example/cb", "UsePkce": "false" },
            "idp":       { "Kind": "ClientCredentials", "TokenEndpoint": "https://idp.example/token", "ClientId": "c-id", "ClientSecret": "c-secret",
                           "ClientAuthentication": "ClientSecretPost", "Scope": "api", "Parameters": { "audience": "orders" } },
            "ropc":      { "Kind": "password", "Authority": "https://idp.example/", "ClientId": "p-id", "ClientSecret": "p-secret", "Username": "p-user", "Password": "p-pass" },
            "code":      { "Kind": "AuthorizationCode", "Authority": "https://idp.example/", "ClientId": "a-id", "ClientSecret": "a-secret",
                           "RedirectUri": "https://app.example/signin", "PendingSignInLifetime": "00:02:00" },
            "crm":       { "Kind": "Custom", "TokenEndpoint": "https://crm.example/oauth", "Encoding": "Json", "ClientCredentials": "Basic",
                           "ClientId": "x-id", "ClientSecret": "x-secret", "RefreshGrantType": "", "ParameterNames": { "client_id": "clientId" },
                           "Headers": { "X-Api-Key": "k" }, "RequestIdParameter": "requestId", "ParameterOrder": [ "grant_type", "clientId" ], "Response": { "TokenPath": "data", "ExpiresIn": "expiresAt", "ExpiryFormat": "UnixTimeSeconds" },
                           "Cache": { "ClockSkew": "00:00:05", "RefreshBeforeExpiry": "00:01:00", "RefreshRetryInterval": "00:00:02", "RejectedTokenCooldown": "00:00:09", "MaxCachedContexts": "7" } }
          }
        }
        """;

    private readonly Harness _harness = new();

    public async ValueTask DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public void Every_kind_is_registered_through_its_Use_method_with_the_entry_settings()
    {
        _harness.Services.AddTokenProviders(Json(AllKinds).GetSection("TokenProviders"));

        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

        foreach (var name in new[] { "mluvii", "moodhood", "moodhood.client", "telmai", "oli", "justlogin", "idp", "ropc", "code", "crm" })
        {
            Assert.NotNull(_harness.Get(name));
        }

        Assert.Equal(new Uri("https://chat.example/login/connect/token"), Options<MluviiOptions>("mluvii").TokenEndpoint);
        Assert.Equal("m-secret", Options<MluviiOptions>("mluvii").ClientSecret);
        Assert.Equal("mh-pass", Options<MoodHoodOptions>("moodhood").Password);
        Assert.Equal("acme", Options<TelmaiOptions>("telmai").Tenant);
        Assert.Equal(new Uri("https://auth.olisystems.com/realms/other/protocol/openid-connect/token"), Options<OliOptions>("oli").TokenEndpoint);
        Assert.False(Options<JustLoginOptions>("justlogin").UsePkce);
        var idp = Options<ClientCredentialsOptions>("idp");
        Assert.Equal(ClientAuthenticationMethod.ClientSecretPost, idp.ClientAuthentication);
        Assert.Equal("orders", idp.Parameters["audience"]);
        Assert.Equal("p-user", Options<PasswordOptions>("ropc").Username);
        Assert.Equal(TimeSpan.FromMinutes(2), Options<AuthorizationCodeOptions>("code").PendingSignInLifetime);
        Assert.NotNull(_harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("code"));
        Assert.NotNull(_harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin"));

        var crm = Options<CustomTokenOptions>("crm");
        Assert.Equal(RequestEncoding.Json, crm.Encoding);
        Assert.Equal(ClientCredentialPlacement.Basic, crm.ClientCredentials);
        Assert.Equal("", crm.RefreshGrantType);
        Assert.Equal("clientId", crm.ParameterNames["client_id"]);
        Assert.Equal("k", crm.Headers["x-api-key"]);
        Assert.Equal("requestId", crm.RequestIdParameter);
        Assert.Equal(["grant_type", "clientId"], crm.ParameterOrder);
        Assert.Equal("data", crm.Response.TokenPath);
        Assert.Equal("expiresAt", crm.Response.ExpiresIn);
        Assert.Equal(ExpiryFormat.UnixTimeSeconds, crm.Response.ExpiryFormat);
        var cache = Options<TokenProviderOptions>("crm");
        Assert.Equal(TimeSpan.FromSeconds(5), cache.ClockSkew);
        Assert.Equal(TimeSpan.FromMinutes(1), cache.RefreshBeforeExpiry);
        Assert.Equal(TimeSpan.FromSeconds(2), cache.RefreshRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(9), cache.RejectedTokenCooldown);
        Assert.Equal(7, cache.MaxCachedContexts);
        Assert.Equal(new TokenProviderOptions().ClockSkew, Options<TokenProviderOptions>("idp").ClockSkew);
    }

    [Fact]
    public async Task A_configured_provider_sends_what_a_code_registered_one_sends()
    {
        var fromCode = new List<string>();
        var fromConfig = new List<string>();
        await using (var code = new Harness())
        {
            code.Mock.When(HttpMethod.Post, "https://idp.example/token").With(Capture(fromCode)).Respond("application/json", """{"access_token":"a","expires_in":60}""");
            code.AddProvider("idp", p => p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri("https://idp.example/token");
                o.ClientId = "c-id";
                o.ClientSecret = "c-secret";
                o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
                o.Scope = "api";
                o.Parameters["audience"] = "orders";
            }));
            await code.Get("idp").GetTokenAsync();
        }

        _harness.Mock.When(HttpMethod.Post, "https://idp.example/token").With(Capture(fromConfig)).Respond("application/json", """{"access_token":"a","expires_in":60}""");
        _harness.Services.AddTokenProviders(Json(AllKinds).GetSection("TokenProviders"), p => p.ConfigureTokenHttpClient(http => http.ConfigurePrimaryHttpMessageHandler(() => _harness.Mock)));
        var token = await _harness.Get("idp").GetTokenAsync();

        Assert.Equal("a", token.Value);
        Assert.Single(fromConfig);
        Assert.Equal(fromCode, fromConfig);
        Assert.Contains("audience=orders", fromConfig[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_kind_fails_naming_the_entry()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _harness.Services.AddTokenProviders(Section(("crm:ClientId", "x"))));

        Assert.StartsWith("TokenProviders:crm: Kind is missing; set it to one of Mluvii, MoodHood, Telmai, Oli, JustLogin, ClientCredentials, Password, AuthorizationCode, Custom, TokenExchange, DeviceCode.",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_kind_fails_naming_the_entry_and_the_kinds_for_every_bad_entry()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _harness.Services.AddTokenProviders(Section(("crm:Kind", "Foo"), ("erp:Kind", "Bar"), ("ok:Kind", "Oli"))));

        Assert.Contains("TokenProviders:crm: Kind 'Foo' is not one of Mluvii, MoodHood, Telmai, Oli, JustLogin, ClientCredentials, Password, AuthorizationCode, Custom, TokenExchange, DeviceCode.", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:erp: Kind 'Bar'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_harness.Services, d => d.IsKeyedService && Equals(d.ServiceKey, "ok"));
    }

    [Theory]
    [InlineData("Cache:ClockSkew", "soon-7b1c", "TokenProviders:crm:Cache:ClockSkew must be a time span such as 00:05:00.")]
    [InlineData("Cache:MaxCachedContexts", "many-7b1c", "TokenProviders:crm:Cache:MaxCachedContexts must be a whole number.")]
    [InlineData("UseDiscovery", "maybe-7b1c", "TokenProviders:crm:UseDiscovery must be true or false.")]
    [InlineData("ServerAddress", "not a url 7b1c", "TokenProviders:crm:ServerAddress must be an absolute URL.")]
    [InlineData("DefaultTokenLifetime", "7b1c", "TokenProviders:crm:DefaultTokenLifetime must be a time span such as 00:05:00.")]
    [InlineData("ClientSecert", "7b1c", "TokenProviders:crm:ClientSecert is not a setting of Kind 'Oli'; the settings are DefaultTokenLifetime, AcceptedTokenTypes, Authority, Realm,")]
    [InlineData("Cache:Skew", "7b1c", "TokenProviders:crm:Cache:Skew is not a setting of Cache; the settings are ClockSkew, RefreshBeforeExpiry, RefreshRetryInterval, RejectedTokenCooldown, MaxCachedContexts, ReusableRefreshTokens.")]
    [InlineData("Cache", "7b1c", "TokenProviders:crm:Cache must be a section, not a single value.")]
    public void Bad_value_fails_on_start_naming_the_key_without_quoting_the_value(string key, string value, string message)
    {
        _harness.Services.AddTokenProviders(Section(("crm:Kind", "Oli"), ("crm:Username", "u"), ("crm:Password", "p"), ($"crm:{key}", value)));

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("7b1c", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Encoding", "Xml", "TokenProviders:crm:Encoding must be one of Form, Json, Query.")]
    [InlineData("Encoding", "1", "TokenProviders:crm:Encoding must be one of Form, Json, Query.")]
    [InlineData("Response:ExpiryFormat", "Days", "TokenProviders:crm:Response:ExpiryFormat must be one of Seconds, UnixTimeSeconds, DateTime.")]
    [InlineData("Response:Expiry", "x", "TokenProviders:crm:Response:Expiry is not a setting of Response;")]
    [InlineData("Headers", "x", "TokenProviders:crm:Headers must be a section of name/value pairs, not a single value.")]
    [InlineData("ClientId:Inner", "x", "TokenProviders:crm:ClientId must be a single value, not a section.")]
    [InlineData("ParameterOrder", "grant_type", "TokenProviders:crm:ParameterOrder must be a list, not a single value.")]
    [InlineData("ParameterOrder:first", "grant_type", "TokenProviders:crm:ParameterOrder:first: TokenProviders:crm:ParameterOrder must be a list of single values.")]
    public void Custom_settings_are_checked_too(string key, string value, string message)
    {
        _harness.Services.AddTokenProviders(Section(("crm:Kind", "Custom"), ("crm:TokenEndpoint", "https://crm.example/token"), ($"crm:{key}", value)));

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_required_setting_fails_on_start_naming_the_entry_and_the_key()
    {
        _harness.Services.AddTokenProviders(Section(("crm:Kind", "Mluvii"), ("crm:ClientSecret", "s")));

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        // The configuration path, the form the binder's own errors take.
        Assert.Contains("TokenProviders:crm:ClientId is required.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Token provider 'crm'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_of_several_entries_are_reported_together()
    {
        _harness.Services.AddTokenProviders(Section(
            ("a:Kind", "Mluvii"), ("a:ClientId", "i"), ("a:ClientSecret", "s"), ("a:Cache:ClockSkew", "x"),
            ("b:Kind", "Telmai"), ("b:Authority", "nowhere")));

        var error = Assert.Throws<AggregateException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        var messages = string.Join("\n", error.InnerExceptions.Select(e => e.Message));
        Assert.Contains("TokenProviders:a:Cache:ClockSkew", messages, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:b:Authority must be an absolute URL.", messages, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_come_from_environment_variables_over_the_json_file()
    {
        var prefix = "TC_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "TokenProviders__crm__ClientSecret", "from-environment");
        try
        {
            var configuration = new ConfigurationBuilder()
                .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes("""{"TokenProviders":{"crm":{"Kind":"Mluvii","ClientId":"m-id"}}}""")))
                .AddEnvironmentVariables(prefix)
                .Build();
            _harness.Services.AddTokenProviders(configuration.GetSection("TokenProviders"));

            _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

            Assert.Equal("from-environment", Options<MluviiOptions>("crm").ClientSecret);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "TokenProviders__crm__ClientSecret", null);
        }
    }

    [Fact]
    public void No_entries_register_no_provider_and_fail_the_start_naming_the_section()
    {
        _harness.Services.AddTokenProviders(Json("{}").GetSection("TokenProviders"));

        Assert.DoesNotContain(_harness.Services, d => d.IsKeyedService && d.ServiceKey is string);
        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);
        Assert.Contains("configuration section 'TokenProviders': it is missing or empty", error.Message, StringComparison.Ordinal);
    }

    private T Options<T>(string name) => _harness.Provider.GetRequiredService<IOptionsMonitor<T>>().Get(name);

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("TokenProviders:" + v.Key, v.Value)))
            .Build()
            .GetSection("TokenProviders");

    private static Func<HttpRequestMessage, bool> Capture(List<string> into) => request =>
    {
        into.Add(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
        return true;
    };
}
