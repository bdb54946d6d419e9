using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.Internal;
using TokenClients.Vendors.MoodHood;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MoodHood adapter.</summary>
public static class MoodHoodTokenProviderBuilderExtensions
{
    /// <summary>
    /// Uses MoodHood: a client token, then (with a user name and password) a user token requested with it. The client
    /// token has a provider of its own, <c>{name}.client</c>, so it is cached and refreshed independently.
    /// </summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the client id and secret, and the user's name and password for user tokens.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseMoodHood(this ITokenProviderBuilder builder, Action<MoodHoodOptions> configure)
    {
        builder.AddClientOptions(configure, new MoodHoodOptionsValidator(builder.Name));
        var name = builder.Name;
        var clientStage = MoodHoodTokenClient.ClientStageName(name);
        // The client stage's errors name the provider the user registered: '{name}.client' is an internal name.
        builder.Services.AddTokenProvider(clientStage, stage => stage.UseTokenClient("MoodHood client token", (services, _) =>
            TokenClientServices.CreateCustomClient(services, name, MoodHoodTokenClient.ClientStage(Options(services, name)), name)));
        return builder.UseTokenClient(MoodHoodKind.Name, (services, _) =>
        {
            var options = Options(services, name);
            return string.IsNullOrEmpty(options.Username)
                ? TokenClientServices.CreateCustomClient(services, name, MoodHoodTokenClient.ClientStage(options), name)
                : new MoodHoodTokenClient(name, options, () => services.GetRequiredService<IHttpClientFactory>().CreateClient(TokenClientsHttp.ClientName(name)),
                    services.GetRequiredService<TimeProvider>(), services.GetRequiredKeyedService<ITokenProvider>(clientStage), TokenClientServices.Logger(services));
        });
    }

    private static MoodHoodOptions Options(IServiceProvider services, string name) =>
        TokenClientServices.Options<MoodHoodOptions>(services, name);
}
