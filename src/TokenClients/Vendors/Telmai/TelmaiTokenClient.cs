using System.Net.Http.Headers;
using System.Text;
using TokenClients.Internal;

namespace TokenClients.Vendors.Telmai;

/// <summary>
/// Telmai's token endpoint (vendors/telmai.md): camelCase parameters in the query string, an empty
/// form-typed body, <c>expires</c> instead of <c>expires_in</c>, and errors shaped <c>{"description": …}</c>.
/// </summary>
internal sealed class TelmaiTokenClient(string providerName, TelmaiOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider) : ITokenClient
{
    public const string Kind = "Telmai";

    // The page answers `expires` and errors as {"description": "Unauthorized"}.
    private static readonly TokenResponseOptions Shape = new TokenResponseOptions { ExpiresIn = "expires", ErrorDescription = "description" };

    public bool CanRefresh => true;

    public bool RequiresInteraction => false;

    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        SendAsync([("grantType", "password"), ("username", options.Username), ("password", options.Password)], cancellationToken);

    public Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
        SendAsync([("grantType", "refresh_token"), ("refreshToken", refreshToken)], cancellationToken);

    private async Task<TokenSet> SendAsync((string Name, string? Value)[] grant, CancellationToken cancellationToken)
    {
        // The page's parameter order: clientId, grantType, username, password, refreshToken, …, transactionId, tenant;
        // only the ones with a value are sent, and transactionId is fresh per request.
        var query = new StringBuilder("?clientId=").Append(Uri.EscapeDataString(options.ClientId!));
        foreach (var (name, value) in grant.Append(("transactionId", Guid.NewGuid().ToString("N"))).Append(("tenant", options.Tenant)))
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithSlash(options.AuthEndpoint!) + TelmaiDefaults.TokenPath + query))
        {
            // An empty body typed as a form, as the page's curl (-d '') sends.
            Content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } },
        };
        request.Headers.Accept.ParseAdd("*/*");
        // Awaited here: the request (and its content) must outlive the send, retries included.
        return await JsonTokenEndpoint.SendAsync(httpClientFactory.CreateClient(TokenClientsHttp.ClientName(providerName)), request, providerName,
            Shape, timeProvider, options.DefaultTokenLifetime, cancellationToken).ConfigureAwait(false);
    }

    private static string WithSlash(Uri address) => address.AbsoluteUri.EndsWith('/') ? address.AbsoluteUri : address.AbsoluteUri + "/";
}
