using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Tests.DependencyInjection;

public sealed class RegistrationTests
{
    [Fact]
    public void Two_providers_with_one_name_fail_at_registration()
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(Valid));

        var error = Assert.Throws<InvalidOperationException>(() => services.AddTokenProvider("idp", p => p.UseClientCredentials(Valid)));

        Assert.Contains("'idp'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_client_id_fails_naming_the_provider_and_the_setting()
    {
        var error = Resolve(p => p.UseClientCredentials(o => { Valid(o); o.ClientId = null; }));

        Assert.Contains("'idp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("ClientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_token_endpoint_off_loopback_is_rejected()
    {
        var error = Resolve(p => p.UseClientCredentials(o => { Valid(o); o.TokenEndpoint = new Uri("http://idp.example/token"); }));

        Assert.Contains("https", error.Message, StringComparison.Ordinal);
        Assert.Contains("TokenEndpoint", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_on_loopback_is_allowed()
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(o => { Valid(o); o.TokenEndpoint = new Uri("http://127.0.0.1:5000/token"); }));

        using var provider = services.BuildServiceProvider();

        Assert.NotNull(provider.GetRequiredKeyedService<ITokenProvider>("idp"));
    }

    [Fact]
    public void Provider_without_a_token_client_fails_with_guidance()
    {
        var error = Resolve(_ => { });

        Assert.Contains("UseClientCredentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_has_one_token_client()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddTokenProvider("idp", p => p.UseClientCredentials(Valid).UsePassword(_ => { })));

        Assert.Contains("already uses ClientCredentials", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_runs_when_the_host_starts()
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(o => { Valid(o); o.ClientSecret = ""; }));
        await using var provider = services.BuildServiceProvider();

        var validator = provider.GetRequiredService<IStartupValidator>();
        var error = Assert.Throws<OptionsValidationException>(validator.Validate);

        Assert.Contains("ClientSecret", error.Message, StringComparison.Ordinal);
    }

    private static Exception Resolve(Action<ITokenProviderBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", configure);
        using var provider = services.BuildServiceProvider();
        return Assert.ThrowsAny<Exception>(() => provider.GetRequiredKeyedService<ITokenProvider>("idp"));
    }

    private static void Valid(ClientCredentialsOptions o)
    {
        o.TokenEndpoint = new Uri("https://idp.example/token");
        o.ClientId = "c";
        o.ClientSecret = "s";
    }
}
