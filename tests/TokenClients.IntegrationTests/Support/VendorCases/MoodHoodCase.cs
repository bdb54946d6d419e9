using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Testing;
using TokenClients.Vendors.MoodHood;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>MoodHood: a client token first, then the user's token by password with it, renewed by refresh token.</summary>
public sealed class MoodHoodCase : VendorCase<MoodHoodEmulator, MoodHoodOptions>
{
    public override string Name => "moodhood";

    public override string AcquireGrant => "password";

    // vendors/README.md (MoodHood): refresh with the same JSON shape and grant_type=refresh_token.
    public override string RenewalGrant => "refresh_token";

    // docs/vendors/moodhood.md: a client token first, then the user token requested with it.
    public override int TokenRequestsPerAcquisition => 2;

    public override VendorRefusal WrongClientRefusal { get; } = new(HttpStatusCode.Unauthorized, "invalid_client");

    // docs/vendors/moodhood.md: a refused password gets the same bare 401 as a refused client token.
    public override VendorRefusal? WrongPasswordRefusal { get; } = new(HttpStatusCode.Unauthorized, null);

    public override async Task<TokenEndpointEmulator> StartEmulatorAsync(TimeProvider time, TimeSpan? lifetime = null, Action<EmulatorOptions>? adjust = null)
    {
        // User tokens live an hour unless told otherwise; client tokens keep the page's 7 days, or three user lifetimes.
        var options = new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = lifetime ?? TimeSpan.FromHours(1) };
        adjust?.Invoke(options);
        var emulator = await MoodHoodEmulator.StartAsync(options);
        if (lifetime is { } userLifetime)
        {
            emulator.ClientTokenLifetime = userLifetime * 3;
        }

        return emulator;
    }

    protected override void Use(ITokenProviderBuilder provider, Action<MoodHoodOptions> configure) => provider.UseMoodHood(configure);

    protected override void Configure(MoodHoodOptions options, MoodHoodEmulator emulator, Uri target, VendorCredentials credentials) =>
        (options.Authority, options.ClientId, options.ClientSecret, options.Username, options.Password) =
        (target, credentials.ClientId, credentials.Secret, credentials.User, credentials.Password);
}
