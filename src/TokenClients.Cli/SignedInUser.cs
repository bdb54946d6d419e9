using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TokenClients.Cli;

/// <summary>
/// The person at the command line: the subject <c>tokenclients login</c> stores token sets for (the operating system's
/// user name), and the providers whose tokens are that person's (a device-flow provider, or an exchange of its tokens).
/// </summary>
internal static class SignedInUser
{
    /// <summary>Gets the subject of the command line's sign-ins.</summary>
    public static string Subject => Environment.UserName is { Length: > 0 } user ? user : "tokenclients";

    /// <summary>
    /// The provider a person must sign in to for <paramref name="name"/>'s tokens (itself, or the provider an exchange takes
    /// its subject token from, followed to the end), or <see langword="null"/> when its tokens need nobody.
    /// </summary>
    public static string? SignInProviderOf(ConfiguredProviders providers, string name)
    {
        var services = providers.Services;
        name = services.GetRequiredKeyedService<ITokenProvider>(name).Name;
        for (var hops = 0; hops < 16; hops++)
        {
            if (services.GetRequiredKeyedService<ITokenClient>(name).RequiresInteraction)
            {
                return name;
            }

            if (!string.Equals(providers.KindOf(name), "TokenExchange", StringComparison.OrdinalIgnoreCase)
                || services.GetRequiredService<IOptionsMonitor<TokenExchangeOptions>>().Get(name).SubjectTokenProvider is not { } subject)
            {
                return null;
            }

            name = services.GetRequiredKeyedService<ITokenProvider>(subject).Name;
        }

        return null;
    }

    /// <summary>The context to ask <paramref name="name"/> with: the signed-in person's when its tokens are that person's.</summary>
    public static TokenContext ContextFor(ConfiguredProviders providers, string name, string? scope) =>
        new(subject: SignInProviderOf(providers, name) is null ? null : Subject, scope: scope);
}
