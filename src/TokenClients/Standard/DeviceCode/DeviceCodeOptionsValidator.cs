using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Validates one provider's <see cref="DeviceCodeOptions"/>.</summary>
internal sealed class DeviceCodeOptionsValidator(string providerName) : OAuth2ClientOptionsValidator<DeviceCodeOptions>(providerName)
{
    protected override void ValidateGrant(DeviceCodeOptions options, OptionsErrors errors) =>
        errors.RequireSecureEndpoint(nameof(options.DeviceAuthorizationEndpoint), options.DeviceAuthorizationEndpoint, required: options.Authority is null);
}
