namespace TokenClients;

/// <summary>Names of the HttpClients TokenClients creates through IHttpClientFactory.</summary>
public static class TokenClientsHttp
{
    /// <summary>The most a token endpoint's answer may weigh; a larger one fails as unusable. 1 MiB.</summary>
    public const int MaxResponseBytes = 1024 * 1024;

    /// <summary>
    /// Returns the name of the HttpClient a provider uses for its token endpoint, for configuring it with
    /// <c>services.AddHttpClient(TokenClientsHttp.ClientName("oli"))</c>.
    /// </summary>
    /// <param name="providerName">The provider name.</param>
    /// <returns>The HttpClient name.</returns>
    public static string ClientName(string providerName) => "TokenClients." + providerName;
}
