using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.SignIn;

/// <summary>
/// The callback's <c>iss</c> (RFC 9207): checked against the issuer before anything of the response is used; a
/// mismatch or a missing one (when the server sends it) fails typed, redeems no code and uses the sign-in up.
/// </summary>
public sealed class ResponseIssuerTests : IAsyncDisposable
{
    private const string Issuer = "https://idp.example";
    private const string TokenUrl = "https://idp.example/token";
    private const string Discovery = "https://idp.example/.well-known/openid-configuration";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_callback_from_the_configured_issuer_is_redeemed()
    {
        var flow = Configured();
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-1","expires_in":3600}""");
        var start = await flow.StartAsync("alice");

        var result = await flow.CompleteAsync(Callback(start, $"code=c-1&iss={Uri.EscapeDataString(Issuer)}"), "alice");

        Assert.Equal("at-1", result.Tokens.AccessToken);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task A_callback_with_another_issuer_is_refused_typed_redeems_no_code_and_uses_the_sign_in_up()
    {
        var flow = Configured();
        var redeemed = _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-1","expires_in":3600}""");
        var start = await flow.StartAsync("alice");

        var error = await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(
            () => flow.CompleteAsync(Callback(start, "code=c-1&iss=https%3A%2F%2Fattacker.example"), "alice"));

        Assert.False(error.IsMissing);
        Assert.Equal("code", error.ProviderName);
        Assert.DoesNotContain("attacker", error.Message, StringComparison.Ordinal);
        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Id.Id == 132);
        var replay = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(Callback(start, $"code=c-1&iss={Uri.EscapeDataString(Issuer)}"), "alice"));
        Assert.Equal("invalid_state", replay.Error);
        Assert.Equal(0, _harness.Mock.GetMatchCount(redeemed));
    }

    [Fact]
    public async Task An_error_response_with_another_issuer_is_refused_as_a_mix_up_not_as_the_users_refusal()
    {
        var flow = Configured();
        var start = await flow.StartAsync("alice");

        await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(
            () => flow.CompleteAsync(Callback(start, "error=access_denied&iss=https%3A%2F%2Fattacker.example"), "alice"));
    }

    [Fact]
    public async Task A_callback_without_iss_is_refused_when_the_issuer_is_configured()
    {
        var flow = Configured();
        var start = await flow.StartAsync("alice");

        var error = await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(() => flow.CompleteAsync(Callback(start, "code=c-1"), "alice"));

        Assert.True(error.IsMissing);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_callback_without_iss_is_refused_only_when_discovery_advertises_it(bool advertised, bool accepted)
    {
        _harness.Mock.When(HttpMethod.Get, Discovery).Respond("application/json", $$"""
            {"issuer":"{{Issuer}}","authorization_endpoint":"{{Issuer}}/authorize","token_endpoint":"{{TokenUrl}}",
             "authorization_response_iss_parameter_supported":{{(advertised ? "true" : "false")}}}
            """);
        var redeemed = _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-1","expires_in":3600}""");
        var flow = Add(o => o.Authority = new Uri(Issuer));
        var start = await flow.StartAsync("alice");

        var error = await Record.ExceptionAsync(() => flow.CompleteAsync(Callback(start, "code=c-1"), "alice"));

        Assert.Equal(accepted, error is null);
        Assert.Equal(accepted ? 1 : 0, _harness.Mock.GetMatchCount(redeemed));
    }

    [Fact]
    public async Task A_discovered_issuer_refuses_another_issuers_iss_even_when_not_advertised()
    {
        _harness.Mock.When(HttpMethod.Get, Discovery).Respond("application/json", $$"""
            {"issuer":"{{Issuer}}","authorization_endpoint":"{{Issuer}}/authorize","token_endpoint":"{{TokenUrl}}"}
            """);
        var flow = Add(o => o.Authority = new Uri(Issuer));
        var start = await flow.StartAsync("alice");

        // A trailing slash is another issuer identifier: RFC 9207 compares them character for character.
        await Assert.ThrowsAsync<AuthorizationResponseIssuerException>(
            () => flow.CompleteAsync(Callback(start, $"code=c-1&iss={Uri.EscapeDataString(Issuer + "/")}"), "alice"));
    }

    [Fact]
    public async Task Without_a_known_issuer_an_iss_is_not_checked_and_the_code_is_redeemed()
    {
        _harness.Mock.Expect(HttpMethod.Post, TokenUrl).Respond("application/json", """{"access_token":"at-1","expires_in":3600}""");
        var flow = Add(o => o.AuthorizeEndpoint = new Uri(Issuer + "/authorize"));
        var start = await flow.StartAsync("alice");

        await flow.CompleteAsync(Callback(start, "code=c-1&iss=https%3A%2F%2Fanywhere.example"), "alice");

        Assert.Contains(_harness.Logs.GetSnapshot(), r => r.Id.Id == 133);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Theory]
    [InlineData("http://idp.example", false)]
    [InlineData("idp.example", false)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("https://idp.example/tenant", true)]
    public void A_configured_issuer_must_be_an_https_url_checked_on_start(string issuer, bool valid)
    {
        _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
        {
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.RedirectUri = new Uri("https://app.example/cb");
            o.AuthorizeEndpoint = new Uri(Issuer + "/authorize");
            o.TokenEndpoint = new Uri(TokenUrl);
            o.Issuer = issuer;
        }));

        var error = Record.Exception(_harness.Provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate);

        Assert.Equal(valid, error is null);
        Assert.True(valid || error!.Message.Contains("Token provider 'code': Issuer must be https", StringComparison.Ordinal), error?.Message);
    }

    private static Uri Callback(AuthorizationRequest start, string query) => new($"https://app.example/cb?state={start.State}&{query}");

    private IAuthorizationCodeFlow Configured() => Add(o =>
    {
        o.AuthorizeEndpoint = new Uri(Issuer + "/authorize");
        o.Issuer = Issuer;
    });

    private IAuthorizationCodeFlow Add(Action<AuthorizationCodeOptions> configure)
    {
        _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
        {
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.RedirectUri = new Uri("https://app.example/cb");
            configure(o);
            if (o.Authority is null)
            {
                o.TokenEndpoint = new Uri(TokenUrl);
            }
        }));
        return _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("code");
    }
}
