using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary><c>UseAuthorizationCode</c> with PKCE through <see cref="IAuthorizationCodeFlow"/> against the standard OAuth2 emulator.</summary>
public sealed class AuthorizationCodeCase : VendorCase<StandardOAuth2Emulator, AuthorizationCodeOptions>
{
    /// <summary>The application's subject of the user who signs in.</summary>
    public const string SignedInUser = "account-1";

    public override string Name => "idp";

    public override string AcquireGrant => "authorization_code";

    public override string RenewalGrant => "refresh_token";

    public override string? Subject => SignedInUser;

    public override VendorCredentials WrongClient => VendorCredentials.Demo with { Secret = "wrong-secret" };

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new StandardOAuth2EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime };
        adjust?.Invoke(options);
        return await StandardOAuth2Emulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<AuthorizationCodeOptions> configure) => provider.UseAuthorizationCode(configure);

    protected override void Configure(AuthorizationCodeOptions options, StandardOAuth2Emulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.ClientSecret, options.RedirectUri, options.Scope) =
        (target, credentials.ClientId, credentials.Secret, JustLoginCase.Callback, "openid api");
}
