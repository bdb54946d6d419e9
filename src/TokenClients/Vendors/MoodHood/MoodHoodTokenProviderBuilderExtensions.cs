using Microsoft.Extensions.Options;
using TokenClients;
using TokenClients.Vendors.MoodHood;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MoodHood adapter.</summary>
public static class MoodHoodTokenProviderBuilderExtensions
{
    /// <summary>Uses MoodHood: a client token, then (with a user name and password) a user token requested with it.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the client id and secret, and the user's name and password for user tokens.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseMoodHood(this ITokenProviderBuilder builder, Action<MoodHoodOptions> configure)
    {
        builder.AddClientOptions<MoodHoodOptions, MoodHoodOptionsValidator>(configure);
        return builder.UseTokenClient(MoodHoodTokenClient.Kind, static (services, name) => new MoodHoodTokenClient(
            name, StandardGrantTokenProviderBuilderExtensions.Options<MoodHoodOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptionsMonitor<TokenProviderOptions>>().Get(name),
            StandardGrantTokenProviderBuilderExtensions.Logger(services)));
    }
}
