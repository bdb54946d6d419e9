using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Validates one provider's <see cref="AuthorizationCodeOptions"/>.</summary>
internal sealed class AuthorizationCodeOptionsValidator(string providerName) : OAuth2ClientOptionsValidator<AuthorizationCodeOptions>(providerName)
{
    protected override void ValidateGrant(AuthorizationCodeOptions options, OptionsErrors errors)
    {
        errors.RequireSecureEndpoint(nameof(options.AuthorizeEndpoint), options.AuthorizeEndpoint, required: options.Authority is null);
        errors.RequireSecureEndpoint(nameof(options.RedirectUri), options.RedirectUri);
        errors.RequireSecureEndpoint(nameof(options.RevocationEndpoint), options.RevocationEndpoint, required: false);
        if (options.Issuer is { } issuer && !(Uri.TryCreate(issuer, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps || uri is { Scheme: "http", IsLoopback: true }))
        {
            errors.AddSetting(nameof(options.Issuer), "must be https (an absolute URL, the issuer identifier of RFC 9207; plain http only for loopback).");
        }

        errors.RequirePositive(nameof(options.PendingSignInLifetime), options.PendingSignInLifetime);
        errors.RequirePositive(nameof(options.MaxPendingSignIns), options.MaxPendingSignIns);
    }
}
