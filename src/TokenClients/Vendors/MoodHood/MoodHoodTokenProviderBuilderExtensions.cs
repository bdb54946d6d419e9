using TokenClients;
using TokenClients.DependencyInjection;
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
        builder.Services.AddTokenProvider(clientStage, stage => stage.UseTokenClient("MoodHood client token", (services, stageName) =>
            TokenClientServices.CreateCustomClient(services, stageName, MoodHoodTokenClient.ClientStage(Options(services, name)), name)));
        return builder.UseTokenClient(MoodHoodKind.Name, (services, _) =>
        {
            var options = Options(services, name);
            var custom = string.IsNullOrEmpty(options.Username) ? MoodHoodTokenClient.ClientStage(options) : MoodHoodTokenClient.UserStage(options, clientStage);
            return TokenClientServices.CreateCustomClient(services, name, custom, name);
        });
    }

    private static MoodHoodOptions Options(IServiceProvider services, string name) =>
        TokenClientServices.Options<MoodHoodOptions>(services, name);
}
