using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using TokenClients.Testing;

namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>
/// A web application on 127.0.0.1 at a free port, as the package's README wires it: cookie sign-in through OpenID Connect
/// at a standard emulator ("idp", the user's own tokens), and connect endpoints for JustLogin and a standard provider
/// ("crm"). <c>/test/login?user=</c> signs a user in with the cookie alone, for the connect tests; <c>/api/{provider}</c>
/// calls the provider's API with the signed-in user's token. Logs are collected at Trace level.
/// </summary>
internal sealed class WebApp : IAsyncDisposable
{
    private WebApp(WebApplication app, StandardOAuth2Emulator idp, JustLoginEmulator justLogin, StandardOAuth2Emulator crm, FakeTimeProvider time)
    {
        Host = app;
        Idp = idp;
        JustLogin = justLogin;
        Crm = crm;
        Time = time;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Logs = app.Services.GetRequiredService<FakeLogCollector>();
    }

    public WebApplication Host { get; }

    public StandardOAuth2Emulator Idp { get; }

    public JustLoginEmulator JustLogin { get; }

    public StandardOAuth2Emulator Crm { get; }

    public FakeTimeProvider Time { get; }

    public Uri Address { get; }

    public FakeLogCollector Logs { get; }

    public IServiceProvider Services => Host.Services;

    public static async Task<WebApp> StartAsync(Action<WebApplicationBuilder>? configure = null)
    {
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var idpOptions = new StandardOAuth2EmulatorOptions { TimeProvider = time, AutoApproveUser = "alice", ClientId = "web", ClientSecret = "web-secret" };
        var idp = await StandardOAuth2Emulator.StartAsync(idpOptions);
        var justLogin = await JustLoginEmulator.StartAsync(new OidcEmulatorOptions { TimeProvider = time, AutoApproveUser = "acme/alice", RedirectUris = { new("http://127.0.0.1/connect/justlogin/callback") } });
        var crm = await StandardOAuth2Emulator.StartAsync(new StandardOAuth2EmulatorOptions { TimeProvider = time, AutoApproveUser = "crm-user", RedirectUris = { new("http://127.0.0.1/connect/crm/callback") } });

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        var services = builder.Services;
        services.AddSingleton<TimeProvider>(time);
        services.AddAuthentication(o => { o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme; o.DefaultChallengeScheme = "oidc"; })
            .AddCookie()
            .AddOpenIdConnect("oidc", o =>
            {
                o.Authority = idp.BaseAddress.AbsoluteUri;
                o.RequireHttpsMetadata = false;
                o.ClientId = "web";
                o.ClientSecret = "web-secret";
                o.ResponseType = "code";
                o.ResponseMode = "query";
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.Scope.Add("offline_access");
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ProtocolValidator = new LenientIdTokenValidator();
                o.TokenValidationParameters.ValidateIssuer = false;
                o.TokenValidationParameters.ValidateAudience = false;
                o.TokenValidationParameters.SignatureValidator = (token, _) => new JsonWebToken(token);
            });
        services.AddTokenProvider("idp", p => p.UseAuthorizationCode(o =>
        {
            o.Authority = idp.BaseAddress;
            o.ClientId = "web";
            o.ClientSecret = "web-secret";
            o.RedirectUri = new("http://127.0.0.1/signin-oidc");
        }));
        services.AddUserTokens("idp", "oidc");
        services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.Authority = justLogin.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.RedirectUri = new("http://127.0.0.1/connect/justlogin/callback");
        }));
        services.AddTokenProvider("crm", p => p.UseAuthorizationCode(o =>
        {
            o.Authority = crm.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.RedirectUri = new("http://127.0.0.1/connect/crm/callback");
        }));
        services.AddTokenClientsConnect();
        services.AddHttpClient("idp", c => c.BaseAddress = idp.BaseAddress).AddUserTokenHandler("idp");
        services.AddHttpClient("justlogin", c => c.BaseAddress = justLogin.BaseAddress).AddUserTokenHandler("justlogin");
        services.AddHttpClient("crm", c => c.BaseAddress = crm.BaseAddress).AddUserTokenHandler("crm");
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseTokenClientsChallenge();
        app.MapGet("/test/login", async context =>
        {
            var identity = new ClaimsIdentity([new Claim("sub", context.Request.Query["user"].ToString())], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(new ClaimsPrincipal(identity));
        });
        app.MapGet("/test/oidc-login", context => context.ChallengeAsync("oidc", new AuthenticationProperties { RedirectUri = "/test/whoami" }));
        app.MapGet("/test/whoami", context => context.Response.WriteAsync(context.User.GetTokenSubject() ?? "anonymous"));
        app.MapGet("/test/saved-tokens", async context => await context.Response.WriteAsync(
            string.Join(',', (await context.AuthenticateAsync()).Properties?.GetTokens().Select(t => t.Name) ?? [])));
        app.MapGet("/test/logout", context => context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme));
        app.MapGet("/test/antiforgery", context => context.Response.WriteAsync(
            context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!));
        app.MapGet("/api/{provider}", async context =>
        {
            var provider = (string)context.Request.RouteValues["provider"]!;
            var path = provider switch { "justlogin" => "v1/users/me", _ => "api/me" };
            using var response = await context.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(provider).GetAsync(path, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            await context.Response.WriteAsync(response.IsSuccessStatusCode ? "api ok" : "api refused");
        });
        app.MapTokenClientsConnect("/connect", "justlogin", "crm");
        await app.StartAsync();
        var webApp = new WebApp(app, idp, justLogin, crm, time);
        idpOptions.RedirectUris.Add(new Uri(webApp.Address, "signin-oidc"));
        return webApp;
    }

    public Browser NewBrowser() => new(Address);

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        await Host.DisposeAsync();
        await Idp.DisposeAsync();
        await JustLogin.DisposeAsync();
        await Crm.DisposeAsync();
    }
}
