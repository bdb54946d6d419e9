using TokenClients.AspNetCore.Tests.Support;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace TokenClients.AspNetCore.Tests.Unit;

/// <summary>What the OpenID Connect events that <c>AddUserTokens</c> adds write to the store and leave in the cookie.</summary>
public sealed class SignInWriteBackTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly OpenIdConnectOptions _options = new();

    public SignInWriteBackTests()
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddSingleton<ITokenStore, RecordingStore>();
        services.AddUserTokens("idp", "oidc");
        _services = services.BuildServiceProvider();
        foreach (var configure in _services.GetServices<Microsoft.Extensions.Options.IPostConfigureOptions<OpenIdConnectOptions>>())
        {
            configure.PostConfigure("oidc", _options);
        }
    }

    private RecordingStore Store => (RecordingStore)_services.GetRequiredService<ITokenStore>();

    [Fact]
    public async Task Validated_sign_in_stores_its_token_set_under_the_sub_claim()
    {
        await ValidatedAsync(User(new Claim("sub", "alice")), new OpenIdConnectMessage
        {
            AccessToken = "access-1", RefreshToken = "refresh-1", IdToken = "id-1", ExpiresIn = "600", TokenType = "bearer", Scope = "openid api",
        });

        var (provider, subject, set) = Assert.Single(Store.Writes);
        Assert.Equal(("idp", "alice"), (provider, subject));
        Assert.Equal("access-1", set.AccessToken);
        Assert.Equal("refresh-1", set.RefreshToken);
        Assert.Equal("id-1", set.IdentityToken);
        Assert.Equal("openid api", set.Scope);
        Assert.Equal(_time.GetUtcNow().AddSeconds(600), set.ExpiresAt);
    }

    [Fact]
    public async Task Without_expires_in_the_expiry_comes_from_the_access_tokens_exp()
    {
        var exp = _time.GetUtcNow().AddMinutes(42);
        var jwt = "eyJhbGciOiJub25lIn0." + System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($$"""{"sub":"alice","exp":{{exp.ToUnixTimeSeconds()}}}""")) + ".";

        await ValidatedAsync(User(new Claim(ClaimTypes.NameIdentifier, "alice")), new OpenIdConnectMessage { AccessToken = jwt });

        Assert.Equal(exp, Assert.Single(Store.Writes).Tokens.ExpiresAt);
    }

    [Fact]
    public async Task Sign_in_without_an_access_token_or_a_user_id_stores_nothing()
    {
        await ValidatedAsync(User(new Claim("sub", "alice")), new OpenIdConnectMessage { IdToken = "id-only" });
        await ValidatedAsync(User(new Claim(ClaimTypes.Name, "alice")), new OpenIdConnectMessage { AccessToken = "access-1" });

        Assert.Empty(Store.Writes);
    }

    [Fact]
    public async Task An_id_token_validated_before_the_code_is_redeemed_stores_nothing_and_warns_of_nothing()
    {
        var context = new TokenValidatedContext(new DefaultHttpContext { RequestServices = _services }, Scheme(), _options, User(new Claim("sub", "alice")), new AuthenticationProperties())
        {
            ProtocolMessage = new OpenIdConnectMessage { Code = "code-1", IdToken = "id-1" },
        };

        await _options.Events.TokenValidated(context);

        Assert.Empty(Store.Writes);
    }

    [Fact]
    public async Task A_sign_in_the_applications_own_handler_rejected_stores_nothing()
    {
        _options.Events.OnTokenValidated = context =>
        {
            context.Fail("not allowed here");
            return Task.CompletedTask;
        };
        foreach (var configure in _services.GetServices<Microsoft.Extensions.Options.IPostConfigureOptions<OpenIdConnectOptions>>())
        {
            configure.PostConfigure("oidc", _options);
        }

        await ValidatedAsync(User(new Claim("sub", "alice")), new OpenIdConnectMessage { AccessToken = "access-1" });

        Assert.Empty(Store.Writes);
    }

    [Fact]
    public async Task Saved_tokens_lose_the_access_and_refresh_token_and_keep_the_id_token()
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens([Token("access_token", "a"), Token("refresh_token", "r"), Token("id_token", "i"), Token("expires_at", "2026-01-01T00:10:00Z")]);
        var context = new TicketReceivedContext(new DefaultHttpContext { RequestServices = _services }, Scheme(), _options,
            new AuthenticationTicket(User(new Claim("sub", "alice")), properties, "oidc"));

        await _options.Events.TicketReceived(context);

        Assert.Equal(["id_token", "expires_at"], properties.GetTokens().Select(t => t.Name));
    }

    public void Dispose() => _services.Dispose();

    private static ClaimsPrincipal User(params Claim[] claims) => new(new ClaimsIdentity(claims, "oidc"));

    private static AuthenticationToken Token(string name, string value) => new() { Name = name, Value = value };

    private static AuthenticationScheme Scheme() => new("oidc", null, typeof(OpenIdConnectHandler));

    private Task ValidatedAsync(ClaimsPrincipal user, OpenIdConnectMessage response) =>
        _options.Events.TokenValidated(new TokenValidatedContext(new DefaultHttpContext { RequestServices = _services }, Scheme(), _options, user, new AuthenticationProperties())
        {
            TokenEndpointResponse = response,
        });
}
