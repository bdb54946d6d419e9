using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;

namespace WebApp;

/// <summary>The sample's services and request pipeline.</summary>
public static class WebAppSetup
{
    /// <summary>
    /// Cookie sign-in through OpenID Connect, the token providers of the sign-in and of the connectable vendors (section
    /// <c>TokenProviders</c>), their typed API clients (section <c>Apis</c>) and the pages.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="address">The application's own address: the vendors' callback URLs are under it.</param>
    public static void AddWebAppServices(this WebApplicationBuilder builder, Uri address)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var callbacks = new Dictionary<string, string?>();
        callbacks["TokenProviders:idp:RedirectUri"] = new Uri(address, "signin-oidc").AbsoluteUri;
        foreach (var vendor in Vendor.All)
        {
            callbacks[$"TokenProviders:{vendor.Name}:RedirectUri"] = new Uri(address, $"connect/{vendor.Name}/callback").AbsoluteUri;
        }

        configuration.AddInMemoryCollection(callbacks);

        builder.Services.AddRazorPages();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "WebApp.Auth";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;

                // Secure whenever the request is https (always, behind a real host name); the demo runs on http://127.0.0.1.
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(1);
                o.SlidingExpiration = true;
            })
            .AddOpenIdConnect(o =>
            {
                // The sign-in client is the token provider "idp" too (see below): one description of it, in TokenProviders:idp.
                var idp = configuration.GetSection("TokenProviders:idp");
                o.Authority = idp["Authority"];
                o.ClientId = idp["ClientId"];
                o.ClientSecret = idp["ClientSecret"];
                o.RequireHttpsMetadata = !(Uri.TryCreate(o.Authority, UriKind.Absolute, out var authority) && authority.IsLoopback);
                o.ResponseType = "code";
                o.ResponseMode = "query";
                o.UsePkce = true;
                o.SaveTokens = true;
                o.MapInboundClaims = false;
                o.Scope.Add("offline_access");
                o.TokenValidationParameters.NameClaimType = "name";
                o.DisableTelemetry = true;

                // The provider redirects back with a top-level GET (response_mode=query), which Lax cookies follow.
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            });
        builder.Services.AddAuthorization();

        // Token providers: "idp" refreshes the sign-in's own tokens, "justlogin" and "crm" hold the connected accounts.
        builder.Services.AddTokenProviders(configuration.GetSection("TokenProviders"));
        builder.Services.AddUserTokens("idp");
        builder.Services.AddTokenClientsConnect();

        // Typed clients: AddUserTokenHandler attaches the signed-in user's token of that provider to every request.
        builder.Services.AddHttpClient<SignInProviderApi>(c => c.BaseAddress = ApiUrl(configuration, "idp")).AddUserTokenHandler("idp");
        builder.Services.AddHttpClient<JustLoginApi>(c => c.BaseAddress = ApiUrl(configuration, "justlogin")).AddUserTokenHandler("justlogin");
        builder.Services.AddHttpClient<CrmApi>(c => c.BaseAddress = ApiUrl(configuration, "crm")).AddUserTokenHandler("crm");
        builder.Services.AddTransient<VendorApi>(services => services.GetRequiredService<JustLoginApi>());
        builder.Services.AddTransient<VendorApi>(services => services.GetRequiredService<CrmApi>());
    }

    /// <summary>Security headers, sign-in, the pages and the sign-in and sign-out endpoints.</summary>
    /// <param name="app">The application.</param>
    public static void UseWebApp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();

        // A dead refresh token: sign in again (idp), or connect the account again (justlogin, crm), then come back.
        app.UseTokenClientsChallenge();
        app.MapRazorPages();
        app.MapTokenClientsConnect("/connect", [.. Vendor.All.Select(v => v.Name)]);

        // Sign-in is a plain link; sign-out changes state, so it is a POST that carries the anti-forgery token.
        app.MapGet("/signin", () => Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }));
        app.MapPost("/signout", async (HttpContext context, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(context);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/");
        });
    }

    private static Uri ApiUrl(IConfiguration configuration, string vendor) =>
        configuration.GetValue<Uri>($"Apis:{vendor}") is { } url
            ? url
            : throw new InvalidOperationException($"Apis:{vendor} is not set: the address of the vendor's API.");
}
