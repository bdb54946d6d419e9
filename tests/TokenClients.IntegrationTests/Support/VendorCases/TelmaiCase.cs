using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;
using TokenClients.Vendors.Telmai;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>Telmai: password grant in the query string for tenant <c>acme</c>, renewed by refresh token.</summary>
public sealed class TelmaiCase : VendorCase<TelmaiEmulator, TelmaiOptions>
{
    public const string Tenant = "acme";

    public override string Name => "telmai";

    public override string AcquireGrant => "password";

    // docs/vendors/telmai.md: grantType password | refresh_token, with refreshToken.
    public override string RenewalGrant => "refresh_token";

    // telmai.md: {"description": ...}, no OAuth error code.
    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, null);

    // docs/vendors/telmai.md: 401 {"description": "Unauthorized"}.
    public override VendorRefusal? WrongPasswordRefusal { get; } = new(HttpStatusCode.Unauthorized, null, "Unauthorized");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new TelmaiEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime, Tenant = Tenant };
        adjust?.Invoke(options);
        return await TelmaiEmulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<TelmaiOptions> configure) => provider.UseTelmai(configure);

    protected override void Configure(TelmaiOptions options, TelmaiEmulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.Username, options.Password, options.Tenant) =
        (target, credentials.ClientId, credentials.User, credentials.Password, Tenant);
}
