using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Validates one provider's <see cref="DeviceCodeOptions"/>.</summary>
internal sealed class DeviceCodeOptionsValidator(string providerName) : OAuth2ClientOptionsValidator<DeviceCodeOptions>(providerName)
{
    // Endpoints are discovered only when the token endpoint is: with TokenEndpoint set, the device endpoint must be too.
    protected override void ValidateGrant(DeviceCodeOptions options, OptionsErrors errors) =>
        errors.RequireSecureEndpoint(nameof(options.DeviceAuthorizationEndpoint), options.DeviceAuthorizationEndpoint, required: options.Authority is null || options.TokenEndpoint is not null);
}
