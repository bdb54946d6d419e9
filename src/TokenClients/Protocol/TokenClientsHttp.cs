namespace TokenClients;

/// <summary>Names of the HttpClients TokenClients creates through IHttpClientFactory.</summary>
public static class TokenClientsHttp
{
    /// <summary>The most a token endpoint's answer may weigh; a larger one fails as unusable. 1 MiB.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>How long one attempt of a token request may take, body included, by default: 20 seconds.</summary>
    internal static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// How long a whole token request may take, retries and back-off included, by default: 45 seconds. It stays
    /// under the 60-second lifetime of the shared-cache lock, which must outlast a whole token request.
    /// </summary>
    internal static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Returns the name of the HttpClient a provider uses for its token endpoint, for configuring it with
    /// <c>services.AddHttpClient(TokenClientsHttp.ClientName("oli"))</c>.
    /// </summary>
    /// <param name="providerName">The provider name.</param>
    /// <returns>The HttpClient name.</returns>
    public static string ClientName(string providerName) => "TokenClients." + providerName;
}
