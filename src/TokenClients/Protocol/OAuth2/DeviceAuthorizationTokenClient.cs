using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace TokenClients.OAuth2;

/// <summary>A token client whose token sets come from a person approving a device code (RFC 8628).</summary>
internal interface IDeviceAuthorizationTokenClient : ITokenClient
{
    /// <summary>Asks the device authorization endpoint for a device code and a user code.</summary>
    Task<DeviceAuthorizationAnswer> AuthorizeDeviceAsync(CancellationToken cancellationToken);

    /// <summary>Polls the token endpoint once with the device code.</summary>
    /// <exception cref="TokenRequestException">The server answered an error (<c>authorization_pending</c>, <c>slow_down</c>, …) or could not be reached.</exception>
    Task<TokenSet> PollAsync(string deviceCode, CancellationToken cancellationToken);
}

/// <summary>The device authorization grant (RFC 8628): a device code, then the token endpoint polled until a person approves it.</summary>
internal sealed class DeviceAuthorizationTokenClient(string providerName, DeviceCodeOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    : OAuth2TokenClient<DeviceCodeOptions>(providerName, options, httpClientFactory, timeProvider, logger), IDeviceAuthorizationTokenClient
{
    /// <summary>The <c>grant_type</c> of RFC 8628 section 3.4.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:device_code";

    // A poll asks for what the device authorization granted: the configured scope is not sent again (an empty scope is none).
    private static readonly TokenContext PollContext = new(scope: string.Empty);

    public override bool RequiresInteraction => true;

    public override Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        throw new InteractionRequiredException(ProviderName, context.Subject, $"The user has not signed in: tokens of this provider come from a sign-in through {nameof(IDeviceCodeFlow)}");

    public Task<DeviceAuthorizationAnswer> AuthorizeDeviceAsync(CancellationToken cancellationToken) =>
        RequestDeviceAuthorizationAsync(Options.DeviceAuthorizationEndpoint, cancellationToken);

    public Task<TokenSet> PollAsync(string deviceCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceCode);
        var request = new TokenRequest { GrantType = GrantType };
        request.Parameters.Add("device_code", deviceCode);
        return SendAsync(GrantType, request, PollContext, cancellationToken);
    }
}
