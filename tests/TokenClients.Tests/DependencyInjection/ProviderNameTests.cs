using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.DependencyInjection;

public sealed class ProviderNameTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private readonly MockHttpMessageHandler _api = new();

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public void Token_handler_naming_no_provider_fails_when_the_host_starts_naming_it_and_the_registered_ones()
    {
        AddIdp();
        _harness.Services.AddHttpClient("api").AddTokenHandler("typo");

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("HttpClient 'api'", error.Message, StringComparison.Ordinal);
        Assert.Contains("No token provider named 'typo' is registered; the registered providers are 'idp'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_handler_naming_no_provider_fails_at_first_use_without_a_host_with_the_same_message()
    {
        AddIdp();
        _harness.Services.AddHttpClient("api").AddTokenHandler("typo");

        var error = Assert.Throws<InvalidOperationException>(() => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api"));

        Assert.StartsWith("HttpClient 'api' attaches tokens of provider 'typo' (AddTokenHandler), but no token provider of that name is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_configuration_section_fails_when_the_host_starts_naming_the_section()
    {
        _harness.Services.AddTokenProviders(new ConfigurationBuilder().Build().GetSection("TokenProvidrs"));

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("configuration section 'TokenProvidrs': it is missing or empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Keyed_probe_for_an_unknown_provider_returns_null_as_GetKeyedService_promises()
    {
        AddIdp();

        Assert.Null(_harness.Provider.GetKeyedService<ITokenProvider>("nope"));
        Assert.Null(_harness.Provider.GetKeyedService<IAuthorizationCodeFlow>("idp"));
        Assert.Single(_harness.Provider.GetKeyedServices<ITokenProvider>(KeyedService.AnyKey));
    }

    [Fact]
    public void Token_handler_of_a_provider_the_application_registered_itself_passes_the_start_check()
    {
        AddIdp();
        _harness.Services.AddKeyedSingleton<ITokenProvider>("mine", (services, _) => services.GetRequiredKeyedService<ITokenProvider>("idp"));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("mine");

        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Distributed_cache_without_an_IDistributedCache_fails_when_the_host_starts()
    {
        AddIdp();
        _harness.Services.AddTokenClientsDistributedCache();

        var error = Assert.Throws<OptionsValidationException>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("needs an IDistributedCache, and none is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_differing_only_by_case_are_one_name_and_refused_as_duplicates()
    {
        AddIdp();

        var error = Assert.Throws<InvalidOperationException>(() => _harness.Services.AddTokenProvider("IDP", p => p.UseClientCredentials(Valid)));

        Assert.Contains("'idp' is already registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("case-insensitive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configured_provider_and_one_in_code_differing_only_by_case_are_refused()
    {
        _harness.Services.AddTokenProviders(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenProviders:Idp:Kind"] = "ClientCredentials",
            ["TokenProviders:Idp:TokenEndpoint"] = TokenUrl,
            ["TokenProviders:Idp:ClientId"] = "c",
            ["TokenProviders:Idp:ClientSecret"] = "s",
        }).Build().GetSection("TokenProviders"));

        Assert.Throws<InvalidOperationException>(() => _harness.Services.AddTokenProvider("idp", p => p.UseClientCredentials(Valid)));
    }

    [Fact]
    public void Keyed_lookup_in_another_case_finds_the_registered_provider()
    {
        AddIdp();

        Assert.Same(_harness.Get("idp"), _harness.Get("IDP"));
        Assert.Equal("idp", _harness.Get("Idp").Name);
    }

    [Fact]
    public void Sign_in_flow_lookup_in_another_case_finds_the_registered_flow()
    {
        _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
            o.RedirectUri = new Uri("https://app.example/signin");
        }));

        Assert.Same(
            _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("code"),
            _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("CODE"));
    }

    [Fact]
    public async Task Token_handler_in_another_case_attaches_the_registered_providers_token()
    {
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"token-1","token_type":"Bearer","expires_in":3600}""");
        _api.Expect("https://api.example/items").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);
        AddIdp();
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("IDP").ConfigurePrimaryHttpMessageHandler(() => _api);
        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

        var api = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");
        (await api.GetAsync(new Uri("items", UriKind.Relative)).WaitAsync(TimeSpan.FromSeconds(30))).EnsureSuccessStatusCode();

        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public void Provider_in_code_names_the_option_and_one_from_configuration_the_configuration_path()
    {
        _harness.Services.AddTokenProvider("coded", p => p.UseClientCredentials(o => { Valid(o); o.ClientId = null; }).ConfigureProvider(o => o.MaxCachedContexts = 0));
        _harness.Services.AddTokenProviders(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenProviders:idp:Kind"] = "ClientCredentials",
            ["TokenProviders:idp:TokenEndpoint"] = TokenUrl,
            ["TokenProviders:idp:ClientSecret"] = "s",
            ["TokenProviders:idp:Cache:MaxCachedContexts"] = "0",
        }).Build().GetSection("TokenProviders"));

        var error = Assert.ThrowsAny<Exception>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);
        var message = error is AggregateException all ? string.Join(Environment.NewLine, all.InnerExceptions.Select(e => e.Message)) : error.Message;

        Assert.Contains("Token provider 'coded': ClientId is required.", message, StringComparison.Ordinal);
        Assert.Contains("Token provider 'coded': MaxCachedContexts must be at least 1.", message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:idp:ClientId is required.", message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:idp:Cache:MaxCachedContexts must be at least 1.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("Token provider 'idp'", message, StringComparison.Ordinal);
    }

    private void AddIdp() => _harness.AddProvider("idp", p => p.UseClientCredentials(Valid));

    private static void Valid(ClientCredentialsOptions o)
    {
        o.TokenEndpoint = new Uri(TokenUrl);
        o.ClientId = "c";
        o.ClientSecret = "s";
    }
}
