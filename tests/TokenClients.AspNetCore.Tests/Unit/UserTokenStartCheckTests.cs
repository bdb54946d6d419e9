using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.AspNetCore.Tests.Unit;

/// <summary>AddUserTokens names a provider that can refresh and an OpenID Connect scheme, or the start says which is wrong.</summary>
public sealed class UserTokenStartCheckTests
{
    [Fact]
    public void A_provider_without_an_authorization_code_flow_fails_the_start_naming_it()
    {
        var services = Services();
        services.AddTokenProvider("svc", p => p.UseClientCredentials(o => { o.TokenEndpoint = new("https://idp.example/token"); o.ClientId = "c"; o.ClientSecret = "s"; }));
        services.AddUserTokens("svc", "oidc");

        var failure = Assert.Throws<OptionsValidationException>(() => Check(services));

        Assert.Contains("token provider 'svc' is not registered or has no authorization-code flow", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scheme_that_is_not_OpenID_Connect_fails_the_start_naming_it()
    {
        var services = Services();
        services.AddTokenProvider("idp", p => p.UseAuthorizationCode(o => { o.Authority = new("https://idp.example"); o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new("https://app.example/signin-oidc"); }));
        services.AddUserTokens("idp", CookieAuthenticationDefaults.AuthenticationScheme);

        var failure = Assert.Throws<OptionsValidationException>(() => Check(services));

        Assert.Contains("'Cookies' is not an OpenID Connect authentication scheme", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id_token")]
    [InlineData("id_token token")]
    public void A_scheme_whose_sign_in_redeems_no_code_fails_the_start_naming_it(string responseType)
    {
        // Such a sign-in brings no refresh token and stores nothing: every call would challenge again, forever.
        var services = Services();
        services.Configure<Microsoft.AspNetCore.Authentication.OpenIdConnect.OpenIdConnectOptions>("oidc", o => o.ResponseType = responseType);
        services.AddTokenProvider("idp", p => p.UseAuthorizationCode(o => { o.Authority = new("https://idp.example"); o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new("https://app.example/signin-oidc"); }));
        services.AddUserTokens("idp", "oidc");

        var failure = Assert.Throws<OptionsValidationException>(() => Check(services));

        Assert.Contains("scheme 'oidc' signs in with ResponseType '" + responseType + "'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_provider_with_a_code_flow_and_an_OpenID_Connect_scheme_pass()
    {
        var services = Services();
        services.AddTokenProvider("idp", p => p.UseAuthorizationCode(o => { o.Authority = new("https://idp.example"); o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new("https://app.example/signin-oidc"); }));
        services.AddUserTokens("idp", "oidc");

        Check(services);
    }

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAuthentication().AddCookie().AddOpenIdConnect("oidc", o => { o.Authority = "https://idp.example"; o.ClientId = "c"; o.ResponseType = "code"; });
        return services;
    }

    private static void Check(ServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IOptions<UserTokenRegistrations>>().Value;
    }
}
