using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;
using TokenClients.Vendors.Oli;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>OLI: Keycloak's password grant for its public client <c>apiclient</c>, renewed by refresh token.</summary>
public sealed class OliCase : VendorCase<OliEmulator, OliOptions>
{
    public override string Name => "oli";

    public override string AcquireGrant => "password";

    // docs/vendors/oli.md: "Refreshing": grant_type=refresh_token.
    public override string RenewalGrant => "refresh_token";

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    // Keycloak's answer to a wrong password: 401 invalid_grant "Invalid user credentials".
    public override VendorRefusal? WrongPasswordRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_grant", "Invalid user credentials");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        // A shorter access token lifetime shortens the refresh token's too (five of them); otherwise the page's 1800 s.
        var options = new OliEmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime };
        if (lifetime is { } accessLifetime)
        {
            options.RefreshTokenLifetime = accessLifetime * 5;
        }

        adjust?.Invoke(options);
        return await OliEmulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<OliOptions> configure) => provider.UseOli(configure);

    protected override void Configure(OliOptions options, OliEmulator emulator, Uri target, VendorCredentials credentials)
    {
        (options.Authority, options.Username, options.Password) = (target, credentials.User, credentials.Password);

        // OLI's client is its public apiclient (the options' default) unless another is given.
        if (credentials.ClientId != VendorCredentials.Demo.ClientId)
        {
            options.ClientId = credentials.ClientId;
        }
    }
}
