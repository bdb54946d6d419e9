using Microsoft.Extensions.Options;

namespace TokenClients.Internal;

/// <summary>Collects configuration errors of one provider, each message naming the provider and the setting.</summary>
internal sealed class OptionsErrors(string providerName)
{
    private readonly List<string> _errors = [];

    public ValidateOptionsResult Result => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);

    public void Add(string message) => _errors.Add(message);

    public void RequireValue(string setting, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add($"Token provider '{providerName}': {setting} is required.");
        }
    }

    public void RequireNonNegative(string setting, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Add($"Token provider '{providerName}': {setting} must not be negative.");
        }
    }

    public void RequirePositive(string setting, int value)
    {
        if (value <= 0)
        {
            Add($"Token provider '{providerName}': {setting} must be positive.");
        }
    }

    public void RequirePositive(string setting, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add($"Token provider '{providerName}': {setting} must be positive.");
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
                Add($"Token provider '{providerName}': {setting} is required.");
            }

            return;
        }

        if (!endpoint.IsAbsoluteUri)
        {
            Add($"Token provider '{providerName}': {setting} must be an absolute URL.");
        }
        else if (!IsSecure(endpoint))
        {
            Add($"Token provider '{providerName}': {setting} must use https (plain http is allowed only for loopback addresses), but is '{endpoint.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped)}'.");
        }
    }

    public static bool IsSecure(Uri endpoint) =>
        endpoint.Scheme == Uri.UriSchemeHttps || (endpoint.Scheme == Uri.UriSchemeHttp && endpoint.IsLoopback);
}
