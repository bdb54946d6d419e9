using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;
using TokenClients.Vendors.JustLogin;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>JustLogin: a user signs in (authorization code with PKCE), renewed by refresh token.</summary>
public sealed class JustLoginCase : VendorCase<JustLoginEmulator, JustLoginOptions>
{
    /// <summary>The user the emulator's sign-in page approves.</summary>
    public const string ApprovedUser = "acme/alice";

    /// <summary>The application's subject of the user who signs in.</summary>
    public const string SignedInUser = "user-42";

    public static readonly Uri Callback = new("http://127.0.0.1/callback");

    public override string Name => "justlogin";

    // docs/vendors/justlogin.md: authorization code first (front channel), then refresh_token.
    public override string AcquireGrant => "authorization_code";

    public override string RenewalGrant => "refresh_token";

    public override string? Subject => SignedInUser;

    // A code flow's client is the known one with a wrong secret.
    public override VendorCredentials WrongClient => VendorCredentials.Demo with { Secret = "wrong-secret" };

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new OidcEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, AutoApproveUser = ApprovedUser };
        adjust?.Invoke(options);
        return await JustLoginEmulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<JustLoginOptions> configure) => provider.UseJustLogin(configure);

    protected override void Configure(JustLoginOptions options, JustLoginEmulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.ClientSecret, options.RedirectUri) = (target, credentials.ClientId, credentials.Secret, Callback);
}
