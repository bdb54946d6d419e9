using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients;
using TokenClients.Testing;

namespace Quickstart.Vendors;

/// <summary>JustLogin's API, as an application's typed client.</summary>
internal sealed class JustLoginApi(HttpClient http) : VendorApi(http);

/// <summary>
/// JustLogin: a user signs in once in a browser (authorization code with state and PKCE); the token set is stored for
/// that user, and each request names the user with <see cref="TokenContext.ForSubject"/>.
/// </summary>
internal sealed class JustLoginDemo() : VendorDemo("JustLogin", "JustLogin", "justlogin", "authorization code + PKCE")
{
    // The emulator's user: JustLogin users sign in with a company id and a user name.
    private const string EmulatorUser = "acme/alice";

    public override void Register(IServiceCollection services, IConfigurationSection section)
    {
        // ClientId, ClientSecret, RedirectUri: JustLoginOptions.
        services.AddTokenProvider("justlogin", p => p.UseJustLogin(o => section.Bind(o)));
        services.AddHttpClient<JustLoginApi>(c => c.BaseAddress = ApiUrl(section)).AddTokenHandler("justlogin");
    }

    protected override async Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var options = new OidcEmulatorOptions { AccessTokenLifetime = tokenLifetime, AutoApproveUser = EmulatorUser };
        var emulator = await JustLoginEmulator.StartAsync(options, cancellationToken);
        return (emulator, new()
        {
            ["Authority"] = emulator.BaseAddress.AbsoluteUri,
            ["ClientId"] = options.ClientId,
            ["ClientSecret"] = options.ClientSecret,
            ["RedirectUri"] = options.RedirectUris[0].AbsoluteUri,
            ["Subject"] = EmulatorUser,
        });
    }

    protected override VendorApi GetApi(IServiceProvider services) => services.GetRequiredService<JustLoginApi>();

    protected override async Task<TokenContext?> SignInAsync(IServiceProvider services, IConfigurationSection section, CancellationToken cancellationToken)
    {
        // Your id of the user; the tokens are stored under it.
        var subject = section["Subject"] is { Length: > 0 } configured ? configured : "quickstart-user";
        var flow = services.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        var signIn = await flow.StartAsync(subject, cancellationToken);

        // The browser step: the emulator plays it (consent is given automatically); a real sign-in needs a person.
        var callback = Emulator is JustLoginEmulator emulator
            ? await emulator.ApproveAsync(signIn.AuthorizeUri, cancellationToken)
            : await AskForCallbackAsync(signIn.AuthorizeUri, cancellationToken);

        var result = await flow.CompleteAsync(callback, subject, cancellationToken);
        return TokenContext.ForSubject(result.Subject);
    }

    private static async Task<Uri> AskForCallbackAsync(Uri authorizeUri, CancellationToken cancellationToken)
    {
        Console.WriteLine("JustLogin: open this URL in a browser and sign in:");
        Console.WriteLine(authorizeUri.AbsoluteUri);
        Console.WriteLine("JustLogin: then paste the whole URL the browser was sent back to (your RedirectUri with code and state):");
        var line = await Console.In.ReadLineAsync(cancellationToken);
        return Uri.TryCreate(line?.Trim(), UriKind.Absolute, out var callback)
            ? callback
            : throw new InteractionRequiredException("justlogin", null, "No callback URL was entered.");
    }
}
