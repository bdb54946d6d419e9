using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Tests.Support;
using TokenClients.Vendors.JustLogin;
using TokenClients.Vendors.Mluvii;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;
using TokenClients.Vendors.Telmai;

namespace TokenClients.Tests.Vendors;

/// <summary>
/// Every vendor names its address <c>Authority</c>, as the standard kinds do; the former names still bind, and a
/// configuration that still carries one beside <c>Authority</c> (an old appsettings file, a new environment variable)
/// sends credentials to the address under the new name, whatever order the keys are read in.
/// </summary>
public sealed class AuthorityTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Theory]
    [InlineData("Authority", "Authority", "Authority", "Authority", "Authority")]
    [InlineData("BaseAddress", "BaseAddress", "AuthEndpoint", "ServerAddress", "BaseAddress")]
    public void Every_vendor_reads_its_address_from_Authority_or_its_former_key(string mluvii, string moodHood, string telmai, string oli, string justLogin)
    {
        _harness.Services.AddTokenProviders(Json($$"""
            {
              "mluvii":    { "Kind": "Mluvii", "{{mluvii}}": "https://chat.example/", "ClientId": "m", "ClientSecret": "s" },
              "moodhood":  { "Kind": "MoodHood", "{{moodHood}}": "https://mood.example/", "ClientId": "m", "ClientSecret": "s" },
              "telmai":    { "Kind": "Telmai", "{{telmai}}": "https://telmai.example/", "ClientId": "t", "Username": "u", "Password": "p" },
              "oli":       { "Kind": "Oli", "{{oli}}": "https://sso.example/", "Username": "u", "Password": "p" },
              "justlogin": { "Kind": "JustLogin", "{{justLogin}}": "https://jl.example/", "ClientId": "j", "ClientSecret": "s", "RedirectUri": "https://app.example/cb" }
            }
            """));

        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(new Uri("https://chat.example/login/connect/token"), Options<MluviiOptions>("mluvii").TokenEndpoint);
        Assert.Equal(new Uri("https://mood.example/v1/auth/token"), Options<MoodHoodOptions>("moodhood").TokenEndpoint);
        Assert.Equal(new Uri("https://telmai.example/auth/token"), Options<TelmaiOptions>("telmai").TokenEndpoint);
        Assert.Equal(new Uri("https://sso.example/auth/realms/api/protocol/openid-connect/token"), Options<OliOptions>("oli").TokenEndpoint);
        Assert.Equal(new Uri("https://jl.example/v1/auth/connect/token"), Options<JustLoginOptions>("justlogin").TokenEndpoint);
    }

    [Fact]
    public void Former_address_keys_bind_to_Authority_through_the_configuration_binder()
    {
        var section = Json("""{ "BaseAddress": "https://a.example/", "AuthEndpoint": "https://b.example/", "ServerAddress": "https://c.example/" }""");

        Assert.Equal(new Uri("https://a.example/"), section.Get<MluviiOptions>()!.Authority);
        Assert.Equal(new Uri("https://a.example/"), section.Get<MoodHoodOptions>()!.Authority);
        Assert.Equal(new Uri("https://a.example/"), section.Get<JustLoginOptions>()!.Authority);
        Assert.Equal(new Uri("https://b.example/"), section.Get<TelmaiOptions>()!.Authority);
        Assert.Equal(new Uri("https://c.example/"), section.Get<OliOptions>()!.Authority);
    }

    [Fact]
    public void Validation_names_the_Authority_setting()
    {
        _harness.AddProvider("telmai", p => p.UseTelmai(o => { o.ClientId = "t"; o.Username = "u"; o.Password = "p"; }));

        var failure = Assert.Throws<OptionsValidationException>(() => _harness.Provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Authority", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Oli_with_both_address_keys_uses_Authority()
    {
        _harness.Services.AddTokenProviders(Json("""
            { "oli": { "Kind": "Oli", "Authority": "https://sso-new.example/", "ServerAddress": "https://sso-old.example/", "Username": "u", "Password": "p" } }
            """));
        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("sso-new.example", _harness.Provider.GetRequiredService<IOptionsMonitor<OliOptions>>().Get("oli").TokenEndpoint.Host);
    }

    [Fact]
    public void MoodHood_with_both_address_keys_uses_Authority()
    {
        _harness.Services.AddTokenProviders(Json("""
            { "mood": { "Kind": "MoodHood", "Authority": "https://mood-new.example/", "BaseAddress": "https://mood-old.example/", "ClientId": "c", "ClientSecret": "s", "Username": "u", "Password": "p" } }
            """));
        _harness.Provider.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal("mood-new.example", _harness.Provider.GetRequiredService<IOptionsMonitor<MoodHoodOptions>>().Get("mood").TokenEndpoint.Host);
    }

    [Fact]
    public void Options_bound_by_the_configuration_binder_with_both_keys_use_Authority_and_the_former_name_alone_still_binds()
    {
        var both = Json("""{ "Authority": "https://sso-new.example/", "ServerAddress": "https://sso-old.example/" }""");
        var former = Json("""{ "ServerAddress": "https://sso-old.example/" }""");

        Assert.Equal("sso-new.example", both.Get<OliOptions>()!.Authority.Host);
        Assert.Equal("sso-old.example", former.Get<OliOptions>()!.Authority.Host);
    }

    private T Options<T>(string name) => _harness.Provider.GetRequiredService<IOptionsMonitor<T>>().Get(name);

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
}
