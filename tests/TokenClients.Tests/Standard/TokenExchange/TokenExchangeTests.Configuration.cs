using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Tests.Standard.TokenExchange;

public sealed partial class TokenExchangeTests
{
    [Fact]
    public void A_configuration_entry_of_kind_TokenExchange_binds_every_setting()
    {
        _harness.Services.AddTokenProviders(Section(
            ("sts:Kind", "TokenExchange"), ("sts:TokenEndpoint", Endpoint), ("sts:ClientId", "exchanger"), ("sts:ClientSecret", "s"),
            ("sts:SubjectTokenProvider", "UPSTREAM"), ("sts:SubjectTokenType", "urn:ietf:params:oauth:token-type:jwt"),
            ("sts:ActorTokenProvider", "upstream"), ("sts:ActorTokenType", "urn:ietf:params:oauth:token-type:id_token"),
            ("sts:RequestedTokenType", AccessTokenType), ("sts:Audience", "orders-api")));

        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();
        var options = _harness.Provider.GetRequiredService<IOptionsMonitor<TokenExchangeOptions>>().Get("sts");

        Assert.Equal(("UPSTREAM", "urn:ietf:params:oauth:token-type:jwt"), (options.SubjectTokenProvider, options.SubjectTokenType));
        Assert.Equal(("upstream", "urn:ietf:params:oauth:token-type:id_token"), (options.ActorTokenProvider, options.ActorTokenType));
        Assert.Equal((AccessTokenType, "orders-api"), (options.RequestedTokenType, options.Audience));
    }

    [Fact]
    public void An_unknown_subject_provider_and_a_bad_token_type_fail_at_start_naming_the_configuration_paths()
    {
        _harness.Services.AddTokenProviders(Section(
            ("sts:Kind", "TokenExchange"), ("sts:TokenEndpoint", Endpoint), ("sts:ClientId", "exchanger"), ("sts:ClientSecret", "s"),
            ("sts:SubjectTokenProvider", "upstraem"), ("sts:SubjectTokenType", "access_token")));

        var error = Assert.ThrowsAny<Exception>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("TokenProviders:sts:SubjectTokenProvider names no registered token provider ('upstraem'); the registered providers are 'upstream', 'sts'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:sts:SubjectTokenType is not a token type URI", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exchanges_that_take_each_others_tokens_are_refused_at_start()
    {
        _harness.Services.AddTokenProviders(Section(
            ("a:Kind", "TokenExchange"), ("a:TokenEndpoint", Endpoint), ("a:ClientId", "a"), ("a:ClientSecret", "s"), ("a:SubjectTokenProvider", "b"),
            ("b:Kind", "TokenExchange"), ("b:TokenEndpoint", Endpoint), ("b:ClientId", "b"), ("b:ClientSecret", "s"), ("b:SubjectTokenProvider", "c"),
            ("c:Kind", "TokenExchange"), ("c:TokenEndpoint", Endpoint), ("c:ClientId", "c"), ("c:ClientSecret", "s"), ("c:ActorTokenProvider", "a"),
            ("self:Kind", "TokenExchange"), ("self:TokenEndpoint", Endpoint), ("self:ClientId", "s"), ("self:ClientSecret", "s"), ("self:SubjectTokenProvider", "SELF")));

        var error = Assert.ThrowsAny<Exception>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("TokenProviders:a:SubjectTokenProvider leads back to 'a' (a → b → c → a)", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:c:ActorTokenProvider leads back to 'c' (c → a → b → c)", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:self:SubjectTokenProvider names this provider itself", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'upstream'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configuration_entry_of_kind_DeviceCode_binds_and_needs_a_device_endpoint_without_an_authority()
    {
        _harness.Services.AddTokenProviders(Section(
            ("tv:Kind", "DeviceCode"), ("tv:TokenEndpoint", Endpoint), ("tv:ClientId", "tv"), ("tv:DeviceAuthorizationEndpoint", "https://sts.example/device"),
            ("box:Kind", "DeviceCode"), ("box:TokenEndpoint", Endpoint), ("box:ClientId", "box")));

        var error = Assert.ThrowsAny<Exception>(_harness.Provider.GetRequiredService<IStartupValidator>().Validate);
        var tv = _harness.Provider.GetRequiredService<IOptionsMonitor<DeviceCodeOptions>>().Get("tv");

        Assert.Equal(new Uri("https://sts.example/device"), tv.DeviceAuthorizationEndpoint);
        Assert.Equal(ClientAuthenticationMethod.None, tv.ClientAuthentication);
        Assert.Contains("TokenProviders:box:DeviceAuthorizationEndpoint is required.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TokenProviders:tv:", error.Message, StringComparison.Ordinal);
        Assert.NotNull(_harness.Provider.GetKeyedService<IDeviceCodeFlow>("TV"));
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("TokenProviders:" + v.Key, v.Value)))
            .Build()
            .GetSection("TokenProviders");
}
