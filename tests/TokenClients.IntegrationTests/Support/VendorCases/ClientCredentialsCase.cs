using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary><c>UseClientCredentials</c> against the standard OAuth2 emulator, endpoints from its discovery document.</summary>
public sealed class ClientCredentialsCase : VendorCase<StandardOAuth2Emulator, ClientCredentialsOptions>
{
    public override string Name => "idp";

    public override string AcquireGrant => "client_credentials";

    // RFC 6749 section 4.4.3: no refresh token; the grant runs again.
    public override string RenewalGrant => "client_credentials";

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new StandardOAuth2EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime };
        adjust?.Invoke(options);
        return await StandardOAuth2Emulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<ClientCredentialsOptions> configure) => provider.UseClientCredentials(configure);

    protected override void Configure(ClientCredentialsOptions options, StandardOAuth2Emulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.ClientSecret, options.Scope) = (target, credentials.ClientId, credentials.Secret, "api");
}
