using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Tests.Support;
using TokenClients.Vendors.MoodHood;
using TokenClients.Vendors.Oli;

namespace TokenClients.Tests.Vendors;

/// <summary>
/// A configuration that still carries a former address key beside <c>Authority</c> (an old appsettings file, a new
/// environment variable) sends credentials to the address under the new name, whatever order the keys are read in.
/// </summary>
public sealed class AuthorityPrecedenceTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

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

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();
}
