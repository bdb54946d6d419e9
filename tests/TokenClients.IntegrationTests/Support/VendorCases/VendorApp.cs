using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>
/// A running <see cref="VendorCase"/>: its emulator and the application's services around it, with an HttpClient on the
/// vendor's API. <see cref="AcquireAsync"/> is the vendor's token-endpoint round trip: a token request, or for a code
/// flow a sign-in whose code exchange is the token request.
/// </summary>
public sealed class VendorApp : IAsyncDisposable
{
    internal VendorApp(VendorCase vendor, TokenEndpointEmulator emulator, ServiceProvider services)
    {
        Case = vendor;
        Emulator = emulator;
        Services = services;
        Provider = services.GetRequiredKeyedService<ITokenProvider>(vendor.Name);
        Client = services.GetRequiredService<IHttpClientFactory>().CreateClient(VendorCase.ApiClient);
    }

    public VendorCase Case { get; }

    public string Name => Case.Name;

    public TokenEndpointEmulator Emulator { get; }

    public ServiceProvider Services { get; }

    public ITokenProvider Provider { get; }

    public HttpClient Client { get; }

    public TokenContext Context => Case.Context;

    /// <summary>Gets the provider's options as the application resolves them.</summary>
    public object Options => Case.ReadOptions(Services);

    /// <summary>One round trip to the token endpoint: a token request, or a code flow's sign-in and code exchange.</summary>
    public async Task<AccessToken> AcquireAsync() =>
        Case.Subject is { } subject
            ? (await Case.SignInAsync(Services, Emulator, subject))!
            : await Provider.GetTokenAsync(Context);

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
