using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;
using TokenClients.Vendors.Mluvii;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>Mluvii: client credentials; the token is issued again at expiry (docs/vendors/mluvii.md: no refresh token).</summary>
public sealed class MluviiCase : VendorCase<MluviiEmulator, MluviiOptions>
{
    public override string Name => "mluvii";

    public override string AcquireGrant => "client_credentials";

    // docs/vendors/mluvii.md: the token is valid 1 hour, "after which it has to be updated (issued again)": no refresh token.
    public override string RenewalGrant => "client_credentials";

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.BadRequest, "invalid_client");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime };
        adjust?.Invoke(options);
        return await MluviiEmulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<MluviiOptions> configure) => provider.UseMluvii(configure);

    protected override void Configure(MluviiOptions options, MluviiEmulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.ClientSecret) = (target, credentials.ClientId, credentials.Secret);
}
