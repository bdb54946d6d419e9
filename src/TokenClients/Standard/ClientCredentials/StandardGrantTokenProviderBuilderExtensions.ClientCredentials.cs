using TokenClients;
using TokenClients.DependencyInjection;
using TokenClients.OAuth2;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers providers of the standard OAuth 2.0 grants. Each grant's method lives in the folder of its kind:
/// <c>client_credentials</c>, <c>password</c> and <c>authorization_code</c>.
/// </summary>
public static partial class StandardGrantTokenProviderBuilderExtensions
{
    /// <summary>Uses the <c>client_credentials</c> grant.</summary>
    /// <param name="builder">The provider builder.</param>
    /// <param name="configure">Sets the endpoint (or authority), client id, secret and scope.</param>
    /// <returns>The builder.</returns>
    public static ITokenProviderBuilder UseClientCredentials(this ITokenProviderBuilder builder, Action<ClientCredentialsOptions> configure)
    {
        builder.AddClientOptions(configure, new ClientCredentialsOptionsValidator(builder.Name));
        return builder.UseTokenClient(ClientCredentialsKind.Name, static (services, name) => new ClientCredentialsTokenClient(
            name, TokenClientServices.Options<ClientCredentialsOptions>(services, name), services.GetRequiredService<IHttpClientFactory>(),
            services.GetRequiredService<TimeProvider>(), TokenClientServices.Logger(services)));
    }
}
