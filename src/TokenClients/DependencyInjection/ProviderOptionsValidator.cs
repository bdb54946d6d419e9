using Microsoft.Extensions.Options;
using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>
/// Validates the token-client options of one provider, the one it is registered for: a kind's <c>Use…</c> method
/// registers one per provider name, so no validator asks whose options it holds.
/// </summary>
/// <typeparam name="TOptions">The kind's options.</typeparam>
/// <param name="providerName">The provider whose options this validator checks.</param>
internal abstract class ProviderOptionsValidator<TOptions>(string providerName) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <summary>Gets the provider whose options this validator checks.</summary>
    protected string ProviderName { get; } = providerName;

    /// <summary>Gets or sets the path of the provider's configuration entry, when it was registered from configuration; messages then name settings by their full key.</summary>
    internal string? ConfigurationPath { get; set; }

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        if (!string.Equals(name, ProviderName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new OptionsErrors(ProviderName, ConfigurationPath);
        Validate(options, errors);
        return errors.Result;
    }

    /// <summary>Adds one message per problem of <paramref name="options"/>.</summary>
    /// <param name="options">The provider's options.</param>
    /// <param name="errors">Receives the messages, each naming the provider and the setting.</param>
    protected abstract void Validate(TOptions options, OptionsErrors errors);
}
