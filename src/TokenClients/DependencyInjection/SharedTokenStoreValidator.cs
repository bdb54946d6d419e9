using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Caching;

/// <summary>
/// Refuses, when the host starts, a provider of signed-in users whose rotated refresh tokens would go through the store
/// over the distributed cache without a lock: its compare-and-set would not be atomic, two instances could both
/// "win" a rotation and one keep a consumed refresh token, or a compare-and-remove delete a newer set.
/// </summary>
internal sealed class SharedTokenStoreValidator(IServiceProvider services) : IValidateOptions<TokenProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenProviderOptions options)
    {
        if (name is null || services.GetKeyedService<ITokenClient>(name) is not { RequiresInteraction: true })
        {
            return ValidateOptionsResult.Skip;
        }

        return services.GetService<ITokenStore>() is SharedTokenStore { IsAtomic: false }
            ? ValidateOptionsResult.Fail(
                $"Token provider '{name}' keeps signed-in users' token sets in the store over the distributed cache (AddTokenClientsDistributedCache), " +
                "whose compare-and-set is not atomic across instances without a lock: two instances could both rotate the same refresh token. " +
                $"Call AddTokenClientsRedis(…) (package TokenClients.Redis), register an {nameof(ITokenLock)}, or register an {nameof(ISharedTokenBackend)} or an {nameof(ITokenStore)} of your own with an atomic compare-and-set.")
            : ValidateOptionsResult.Success;
    }
}
