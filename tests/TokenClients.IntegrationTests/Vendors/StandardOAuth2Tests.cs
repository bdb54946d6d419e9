using System.Net;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Vendors;

/// <summary><c>UseClientCredentials</c> against the standard OAuth2 emulator, endpoints from its discovery document.</summary>
public sealed class ClientCredentialsTests : VendorFacts<StandardOAuth2Emulator, ClientCredentialsOptions>
{
    protected override string Name => "idp";

    protected override string AcquireGrant => "client_credentials";

    // RFC 6749 section 4.4.3: no refresh token; the grant runs again.
    protected override string RenewalGrant => "client_credentials";

    [Fact]
    public async Task Client_secret_basic_is_the_default_and_scope_is_sent()
    {
        await AssertApiOkAsync();

        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.StartsWith("Basic ", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.False(request.Form.ContainsKey("client_secret"));
        Assert.Equal("api", request.Form["scope"]);
    }

    [Fact]
    public async Task Client_secret_post_sends_the_secret_in_the_body()
    {
        var services = await StartClientAsync(o => o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost);

        await AssertApiOkAsync(services);

        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("demo-secret", request.Form["client_secret"]);
    }

    protected override Task<StandardOAuth2Emulator> StartEmulatorAsync(FakeTimeProvider time) =>
        StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions { TimeProvider = time });

    protected override void Use(ITokenProviderBuilder provider, Action<ClientCredentialsOptions> configure) => provider.UseClientCredentials(configure);

    protected override void Configure(ClientCredentialsOptions options)
    {
        options.Authority = Emulator.BaseAddress;
        options.ClientId = "demo-client";
        options.ClientSecret = "demo-secret";
        options.Scope = "api";
    }

    protected override void WithWrongCredentials(ClientCredentialsOptions options) => options.ClientSecret = WrongSecret;

    protected override void AssertWrongCredentialsError(TokenRequestException exception)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("invalid_client", exception.Error);
    }
}

/// <summary><c>UsePassword</c> against the standard OAuth2 emulator: refresh with rotation, password again when refresh is refused.</summary>
public sealed class PasswordTests : VendorFacts<StandardOAuth2Emulator, PasswordOptions>
{
    private StandardOAuth2EmulatorOptions _emulatorOptions = null!;

    protected override string Name => "idp";

    protected override string AcquireGrant => "password";

    protected override string RenewalGrant => "refresh_token";

    [Fact]
    public async Task Rotated_refresh_tokens_keep_working_across_renewals()
    {
        for (var i = 0; i < 3; i++)
        {
            await AssertApiOkAsync();
            Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        }

        await AssertApiOkAsync();

        Assert.Equal(1, Emulator.Journal.CountGrant("password"));
        Assert.Equal(3, Emulator.Journal.CountGrant("refresh_token"));
        var refreshTokens = Emulator.Journal.TokenRequests.Where(r => r.GrantType == "refresh_token").Select(r => r.Form["refresh_token"]);
        Assert.Equal(3, refreshTokens.Distinct().Count()); // the newest one each time
    }

    [Fact]
    public async Task Without_rotation_the_same_refresh_token_serves_every_renewal()
    {
        _emulatorOptions.RotateRefreshTokens = false;
        for (var i = 0; i < 3; i++)
        {
            await AssertApiOkAsync();
            Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        }

        await AssertApiOkAsync();

        Assert.Equal(3, Emulator.Journal.CountGrant("refresh_token"));
        var refreshTokens = Emulator.Journal.TokenRequests.Where(r => r.GrantType == "refresh_token").Select(r => r.Form["refresh_token"]);
        Assert.Single(refreshTokens.Distinct());
    }

    [Fact]
    public async Task Refused_refresh_falls_back_to_the_password_grant()
    {
        await AssertApiOkAsync();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
    }

    protected override Task<StandardOAuth2Emulator> StartEmulatorAsync(FakeTimeProvider time)
    {
        _emulatorOptions = new StandardOAuth2EmulatorOptions { TimeProvider = time };
        return StandardOAuth2Emulator.StartAsync(_emulatorOptions);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<PasswordOptions> configure) => provider.UsePassword(configure);

    protected override void Configure(PasswordOptions options)
    {
        options.TokenEndpoint = Emulator.TokenEndpoint;
        options.ClientId = "demo-client";
        options.ClientSecret = "demo-secret";
        options.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
        options.Username = "alice";
        options.Password = "alice-password";
    }

    protected override void WithWrongCredentials(PasswordOptions options) => options.Password = WrongSecret;

    protected override void AssertWrongCredentialsError(TokenRequestException exception)
    {
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("invalid_grant", exception.Error);
    }
}

/// <summary><c>UseAuthorizationCode</c> with PKCE through <see cref="IAuthorizationCodeFlow"/> against the standard OAuth2 emulator.</summary>
public sealed class AuthorizationCodeTests : VendorFacts<StandardOAuth2Emulator, AuthorizationCodeOptions>
{
    private const string Subject = "account-1";
    private static readonly Uri Callback = new("http://127.0.0.1/callback");

    protected override string Name => "idp";

    protected override string AcquireGrant => "authorization_code";

    protected override string RenewalGrant => "refresh_token";

    [Fact]
    public async Task Authorize_endpoint_comes_from_discovery_and_the_code_is_redeemed_with_its_pkce_verifier()
    {
        var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync("account-2", Deadline);
        var query = HttpUtility.ParseQueryString(started.AuthorizeUri.Query);

        Assert.Equal(Emulator.AuthorizeEndpoint.AbsolutePath, started.AuthorizeUri.AbsolutePath);
        Assert.Equal("S256", query["code_challenge_method"]);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        var result = await flow.CompleteAsync(callback, "account-2", Deadline);

        Assert.Equal("account-2", result.Subject);
        var exchange = Emulator.Journal.TokenRequests[^1];
        Assert.Equal("authorization_code", exchange.GrantType);
        Assert.Equal(200, exchange.StatusCode); // the emulator checked the verifier against the challenge
        Assert.False(string.IsNullOrEmpty(exchange.Form["code_verifier"]));
    }

    [Fact]
    public async Task Code_redeemed_without_pkce_when_turned_off()
    {
        var services = await StartClientAsync(o => o.UsePkce = false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.ApiEndpoint).WithTokenContext(TokenContext.ForSubject(Subject));

        using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").SendAsync(request, Deadline);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(Emulator.Journal.TokenRequests[^1].Form.ContainsKey("code_verifier"));
    }

    [Fact]
    public async Task Callback_with_a_wrong_state_is_rejected()
    {
        var flow = Services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync("account-2", Deadline);
        var callback = await Emulator.ApproveAsync(started.AuthorizeUri, Deadline);
        var forged = new Uri(callback.AbsoluteUri.Replace("state=", "state=x", StringComparison.Ordinal));

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(forged, "account-2", Deadline));

        Assert.Equal("invalid_state", exception.Error);
        Assert.Single(Emulator.Journal.TokenRequests);
    }

    [Fact]
    public async Task Dead_refresh_token_requires_the_user_to_sign_in_again()
    {
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => CallApiAsync());

        Assert.Equal(Subject, exception.Subject);
        Assert.Equal(0, Emulator.ApiCallCount);
    }

    protected override Task<StandardOAuth2Emulator> StartEmulatorAsync(FakeTimeProvider time) =>
        StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions { TimeProvider = time });

    protected override void Use(ITokenProviderBuilder provider, Action<AuthorizationCodeOptions> configure) => provider.UseAuthorizationCode(configure);

    protected override void Configure(AuthorizationCodeOptions options)
    {
        options.Authority = Emulator.BaseAddress;
        options.ClientId = "demo-client";
        options.ClientSecret = "demo-secret";
        options.RedirectUri = Callback;
        options.Scope = "openid api";
    }

    protected override void WithWrongCredentials(AuthorizationCodeOptions options) => options.ClientSecret = WrongSecret;

    protected override void AssertWrongCredentialsError(TokenRequestException exception)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("invalid_client", exception.Error);
    }

    protected override async Task ConnectAsync(IServiceProvider services)
    {
        var flow = services.GetRequiredKeyedService<IAuthorizationCodeFlow>(Name);
        var started = await flow.StartAsync(Subject, Deadline);
        await flow.CompleteAsync(await Emulator.ApproveAsync(started.AuthorizeUri, Deadline), Subject, Deadline);
    }

    protected override HttpRequestMessage ApiRequest() =>
        new HttpRequestMessage(HttpMethod.Get, Emulator.ApiEndpoint).WithTokenContext(TokenContext.ForSubject(Subject));
}
