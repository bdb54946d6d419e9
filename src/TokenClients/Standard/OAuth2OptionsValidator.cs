using Microsoft.Extensions.Options;
using TokenClients.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>Validates the standard grants' options of the providers that use them.</summary>
internal sealed class OAuth2OptionsValidator(TokenProviderRegistry registry) :
    IValidateOptions<ClientCredentialsOptions>, IValidateOptions<PasswordOptions>, IValidateOptions<AuthorizationCodeOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientCredentialsOptions options) =>
        Validate(name, options, "ClientCredentials", static (_, _) => { });

    public ValidateOptionsResult Validate(string? name, PasswordOptions options) =>
        Validate(name, options, "Password", static (o, errors) =>
        {
            errors.RequireValue(nameof(o.Username), o.Username);
            errors.RequireValue(nameof(o.Password), o.Password);
        });

    public ValidateOptionsResult Validate(string? name, AuthorizationCodeOptions options) =>
        Validate(name, options, "AuthorizationCode", static (o, errors) =>
        {
            errors.RequireSecureEndpoint(nameof(o.AuthorizeEndpoint), o.AuthorizeEndpoint, required: o.Authority is null);
            errors.RequireSecureEndpoint(nameof(o.RedirectUri), o.RedirectUri);
            errors.RequirePositive(nameof(o.PendingSignInLifetime), o.PendingSignInLifetime);
            errors.RequirePositive(nameof(o.MaxPendingSignIns), o.MaxPendingSignIns);
        });

    private ValidateOptionsResult Validate<TOptions>(string? name, TOptions options, string kind, Action<TOptions, OptionsErrors> validateGrant)
        where TOptions : OAuth2ClientOptions
    {
        if (name is null || registry.KindOf(name) != kind)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(name);
        errors.RequireValue(nameof(options.ClientId), options.ClientId);
        if (options.ClientAuthentication != ClientAuthenticationMethod.None)
        {
            errors.RequireValue(nameof(options.ClientSecret), options.ClientSecret);
        }

        if (options.TokenEndpoint is null && options.Authority is null)
        {
            errors.Add($"Token provider '{name}': set {nameof(options.TokenEndpoint)} or {nameof(options.Authority)} (for discovery).");
        }

        errors.RequireSecureEndpoint(nameof(options.TokenEndpoint), options.TokenEndpoint, required: false);
        errors.RequireSecureEndpoint(nameof(options.Authority), options.Authority, required: false);
        errors.RequirePositive(nameof(options.DefaultTokenLifetime), options.DefaultTokenLifetime);
        validateGrant(options, errors);
        return errors.Result;
    }
}
