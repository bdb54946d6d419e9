using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.IntegrationTests.AddingAProvider.Corvid;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.AddingAProvider;

/// <summary>
/// docs/adding-a-provider.md followed for a sixth provider, Corvid: one folder (defaults, options, token client preset,
/// validator, kind, Use… method) registered with one line, used over loopback HTTP from code and from configuration.
/// </summary>
public sealed class SixthProviderTests : IAsyncLifetime, IDisposable
{
    private const string Name = "corvid";

    // The one line: the library's kinds list, plus Corvid.
    private static readonly IReadOnlyList<ProviderKind> Kinds = [.. TokenProvidersConfiguration.Kinds, CorvidKind.Configuration];

    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(30));
    private StandardOAuth2Emulator _emulator = null!;

    public async Task InitializeAsync() =>
        _emulator = await StandardOAuth2Emulator.StartAsync(
            new StandardOAuth2EmulatorOptions { AcceptedEncodings = EmulatorRequestEncodings.Json, TokenPath = CorvidDefaults.AnswerWrapper }, _deadline.Token);

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _deadline.Dispose();

    [Fact]
    public async Task Corvid_registered_in_code_gets_its_token_in_json_and_calls_the_api()
    {
        var services = new ServiceCollection();
        services.AddTokenProvider(Name, p => p.UseCorvid(o =>
        {
            o.Authority = _emulator.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
        }));

        await using var provider = Build(services);
        await AssertApiOkAsync(provider);
        await AssertApiOkAsync(provider);

        var request = Assert.Single(_emulator.Journal.TokenRequests);
        Assert.Equal("/" + CorvidDefaults.TokenPath, request.Path);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("client_credentials", request.Json["grant_type"]);
        Assert.Equal("demo-client", request.Json["client_id"]);
        Assert.Equal(2, _emulator.ApiCallCount);
    }

    [Fact]
    public async Task Corvid_described_by_configuration_is_registered_through_its_kind()
    {
        var services = new ServiceCollection();
        services.AddTokenProviders(Section(("corvid:Kind", "Corvid"), ("corvid:Authority", _emulator.BaseAddress.AbsoluteUri),
            ("corvid:ClientId", "demo-client"), ("corvid:ClientSecret", "demo-secret"), ("corvid:Cache:ClockSkew", "00:00:30")), Kinds, configure: null);

        await using var provider = Build(services);
        await AssertApiOkAsync(provider);

        Assert.Equal(1, _emulator.Journal.CountGrant("client_credentials"));
    }

    [Fact]
    public async Task Corvid_entry_errors_name_the_key_and_the_setting_like_every_kind()
    {
        var services = new ServiceCollection();
        services.AddTokenProviders(Section(("corvid:Kind", "Corvid"), ("corvid:Authority", _emulator.BaseAddress.AbsoluteUri), ("corvid:ClientId", "demo-client")), Kinds, configure: null);
        services.AddTokenProviders(Section(("other:Kind", "corvid"), ("other:ClientSecert", "x")), Kinds, configure: null);

        await using var provider = services.BuildServiceProvider();
        var validator = provider.GetRequiredService<IStartupValidator>();
        var error = Assert.ThrowsAny<Exception>(validator.Validate);

        var message = error is AggregateException all ? string.Join(Environment.NewLine, all.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("TokenProviders:corvid:ClientSecret is required.", message, StringComparison.Ordinal);
        Assert.Contains("TokenProviders:other:ClientSecert is not a setting of Kind 'Corvid'; the settings are DefaultTokenLifetime, AcceptedTokenTypes, Authority, ClientId, ClientSecret, Kind, Cache.",
            message, StringComparison.Ordinal);
        Assert.DoesNotContain("\"x\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_public_front_door_lists_only_the_librarys_kinds()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddTokenProviders(Section(("corvid:Kind", "Corvid"))));

        Assert.Contains("Kind 'Corvid' is not one of Mluvii, MoodHood, Telmai, Oli, JustLogin, ClientCredentials, Password, AuthorizationCode, Custom, TokenExchange, DeviceCode.", error.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("TokenProviders:" + s.Key, s.Value)))
            .Build()
            .GetSection("TokenProviders");

    private ServiceProvider Build(ServiceCollection services)
    {
        services.AddHttpClient("api", c => c.BaseAddress = _emulator.BaseAddress).AddTokenHandler(Name);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        return provider;
    }

    private async Task AssertApiOkAsync(IServiceProvider services)
    {
        using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(_emulator.ApiEndpoint, _deadline.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
