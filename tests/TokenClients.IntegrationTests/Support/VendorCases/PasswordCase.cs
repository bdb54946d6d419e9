using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary><c>UsePassword</c> against the standard OAuth2 emulator's token endpoint, the secret in the body.</summary>
public sealed class PasswordCase : VendorCase<StandardOAuth2Emulator, PasswordOptions>
{
    public override string Name => "idp";

    public override string AcquireGrant => "password";

    public override string RenewalGrant => "refresh_token";

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    public override VendorRefusal? WrongPasswordRefusal { get; } = new(HttpStatusCode.BadRequest, "invalid_grant");

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        var options = new StandardOAuth2EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime };
        adjust?.Invoke(options);
        return await StandardOAuth2Emulator.StartAsync(options);
    }

    protected override void Use(ITokenProviderBuilder provider, Action<PasswordOptions> configure) => provider.UsePassword(configure);

    protected override void Configure(PasswordOptions options, StandardOAuth2Emulator emulator, Uri target, VendorCredentials credentials)
    {
        options.TokenEndpoint = new Uri(target, emulator.TokenEndpoint.AbsolutePath);
        options.ClientId = credentials.ClientId;
        options.ClientSecret = credentials.Secret;
        options.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
        options.Username = credentials.User;
        options.Password = credentials.Password;
    }
}
