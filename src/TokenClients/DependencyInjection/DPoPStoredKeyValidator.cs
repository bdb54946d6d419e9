using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenClients.Internal;

namespace TokenClients.Caching;

/// <summary>
/// Refuses, when the host starts, a provider of signed-in users whose DPoP key is generated (a new one per process) while
/// their token sets live in a store that outlives the process or is shared by instances (not the in-memory default).
/// A stored set records no key: another instance, or this one after a restart, would send a user's DPoP token with
/// proofs of a key it is not bound to, and refresh a public client's key-bound refresh token with it, which fails and
/// signs the user out.
/// </summary>
internal sealed class DPoPStoredKeyValidator(IServiceProvider services) : IValidateOptions<TokenProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenProviderOptions options)
    {
        try
        {
            // The store first: with the in-memory default the client is not created here.
            if (name is null || services.GetService<ITokenStore>() is null or InMemoryTokenStore
                || services.GetKeyedService<ITokenClient>(name) is not { RequiresInteraction: true } client
                || client is not IProofOfPossessionClient { ProofKey: DPoPProofKey { Generated: true } })
            {
                return ValidateOptionsResult.Skip;
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or OptionsValidationException)
        {
            // A store or client that cannot be created is reported by the validation of its own settings.
            return ValidateOptionsResult.Skip;
        }

        return ValidateOptionsResult.Fail(
            $"Token provider '{name}' keeps signed-in users' DPoP-bound token sets in a store that is shared or outlives the process, but its DPoP key is "
            + "generated for each process: another instance, or this one after a restart, would use those tokens with a key they are not bound to. "
            + $"Set TokenProviders:{name}:DPoP:Key (or DPoP.Certificate in code) to the same key on every instance.");
    }
}
