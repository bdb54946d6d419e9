using Microsoft.Extensions.Options;

namespace TokenClients.Internal;

/// <summary>
/// Collects configuration errors of one provider, each message naming the provider and the setting: by its configuration
/// path (<c>TokenProviders:idp:ClientId is required.</c>, the form the configuration binder's own errors take) when the
/// provider was registered from configuration, else by provider and option name (<c>Token provider 'idp': ClientId is
/// required.</c>).
/// </summary>
/// <param name="providerName">The provider name.</param>
/// <param name="configurationPath">The path of the provider's configuration entry, when it was registered from one.</param>
internal sealed class OptionsErrors(string providerName, string? configurationPath = null)
{
    private readonly List<string> _errors = [];

    public ValidateOptionsResult Result => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    /// <summary>Adds a message about the provider as a whole; it is prefixed with the provider's name or configuration path.</summary>
    /// <param name="problem">What is wrong, a sentence that names the settings involved.</param>
    public void Add(string problem) =>
        _errors.Add(configurationPath is null ? $"Token provider '{providerName}': {problem}" : $"{configurationPath}: {problem}");

    /// <summary>Adds a message about one setting: <c>TokenProviders:idp:ClientId is required.</c> or <c>Token provider 'idp': ClientId is required.</c></summary>
    /// <param name="setting">The option name (<c>Response.AccessToken</c> for a nested one).</param>
    /// <param name="problem">What is wrong with it ("is required.").</param>
    public void AddSetting(string setting, string problem) =>
        _errors.Add(configurationPath is null
            ? $"Token provider '{providerName}': {setting} {problem}"
            : $"{configurationPath}:{setting.Replace('.', ':')} {problem}");

    public void RequireValue(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            AddSetting(setting, "is required.");
        }
    }

    public void RequireNonNegative(string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            AddSetting(setting, "must not be negative.");
        }
    }

    public void RequirePositive(string setting, int value)
    {
        if (value <= 0)
        {
            AddSetting(setting, "must be positive.");
        }
    }

    public void RequirePositive(string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            AddSetting(setting, "must be positive.");
        }
    }

    /// <summary>
    /// Token endpoints carry secrets, and redirect URIs carry authorization codes: https only, except on this machine
    /// (loopback).
    /// </summary>
    public void RequireSecureEndpoint(string setting, Uri? endpoint, bool required = true)
    {
        if (endpoint is null)
        {
            if (required)
            {
                AddSetting(setting, "is required.");
            }

            return;
        }

        if (!endpoint.IsAbsoluteUri)
        {
            AddSetting(setting, "must be an absolute URL.");
        }
        else if (!IsSecure(endpoint))
        {
            AddSetting(setting, $"must use https (plain http is allowed only for loopback addresses), but is '{endpoint.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)}'.");
        }
    }

    public static bool IsSecure(Uri endpoint) =>
        endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback);
}
