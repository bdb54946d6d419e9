using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients.Custom;

/// <summary>A token client whose whole wire is described by <see cref="CustomTokenOptions"/>.</summary>
/// <param name="providerName">The provider, named in errors.</param>
/// <param name="options">The endpoint's description.</param>
/// <param name="httpClient">Creates the token endpoint's HttpClient.</param>
/// <param name="timeProvider">The clock that stamps expiries.</param>
/// <param name="bearerProvider">The provider of the Bearer token, resolved when the client is built, when <see cref="CustomTokenOptions.BearerTokenProvider"/> is set.</param>
internal sealed class CustomTokenClient(string providerName, CustomTokenOptions options, Func<HttpClient> httpClient, TimeProvider timeProvider, ITokenProvider? bearerProvider) : ITokenClient, Caching.IConfigurationFingerprint
{
    public bool CanRefresh => !string.IsNullOrEmpty(options.RefreshGrantType);

    public bool RequiresInteraction => false;

    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        var parameters = Start(options.GrantType);
        Add(parameters, "username", options.Username);
        Add(parameters, "password", options.Password);
        Add(parameters, "scope", context.Scope ?? options.Scope);
        return SendAsync(parameters, context, refresh: false, cancellationToken);
    }

    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrEmpty(current.RefreshToken);
        if (!CanRefresh)
        {
            throw new NotSupportedException($"Token provider '{providerName}' has no refresh grant.");
        }

        var parameters = Start(options.RefreshGrantType!);
        Add(parameters, "refresh_token", current.RefreshToken);
        return SendAsync(parameters, context, refresh: true, cancellationToken);
    }

    private List<KeyValuePair<string, string>> Start(string grantType)
    {
        // Extra parameters go first, in their order; a standard one listed there keeps that place (Mluvii's grant_type).
        var parameters = new List<KeyValuePair<string, string>>(options.Parameters);
        if (options.ClientCredentials != ClientCredentialPlacement.None)
        {
            Add(parameters, "client_id", options.ClientId);
            if (options.ClientCredentials == ClientCredentialPlacement.Parameters)
            {
                Add(parameters, "client_secret", options.ClientSecret);
            }
        }

        Add(parameters, "grant_type", grantType);
        TokenClientsDiagnostics.RecordGrant(grantType);
        return parameters;
    }

    private void Add(List<KeyValuePair<string, string>> parameters, string standardName, string? value)
    {
        var name = options.ParameterNames.TryGetValue(standardName, out var renamed) ? renamed : standardName;
        if (!string.IsNullOrEmpty(value) && !options.Parameters.ContainsKey(name))
        {
            parameters.Add(new(name, value));
        }
    }

    private async Task<TokenSet> SendAsync(List<KeyValuePair<string, string>> grant, TokenContext context, bool refresh, CancellationToken cancellationToken)
    {
        var provider = options.BearerTokenProvider is null ? null : bearerProvider
            ?? throw new InvalidOperationException($"Token provider '{providerName}': the bearer token provider '{options.BearerTokenProvider}' is not registered.");
        var bearer = provider is null ? null : await provider.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendOnceAsync(grant, context, bearer, refresh, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenRequestException exception) when (bearer is not null && exception.StatusCode == HttpStatusCode.Unauthorized && exception.Error is null)
        {
            // The bearer token itself was refused: replace it once.
            await provider!.InvalidateAsync(bearer, cancellationToken: cancellationToken).ConfigureAwait(false);
            bearer = await provider.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await SendOnceAsync(grant, context, bearer, refresh, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The parameters in the order they are sent: the grant's (led by the static ones), the request id, the call's
    /// own; then <see cref="CustomTokenOptions.ParameterOrder"/>'s names move to the front (a stable sort).
    /// </summary>
    private List<KeyValuePair<string, string>> Compose(List<KeyValuePair<string, string>> grant, TokenContext context, string? requestId)
    {
        var parameters = new List<KeyValuePair<string, string>>(grant);
        if (requestId is not null && !string.IsNullOrEmpty(options.RequestIdParameter))
        {
            parameters.Add(new(options.RequestIdParameter, requestId));
        }

        parameters.AddRange(context.Parameters);
        return options.ParameterOrder.Count == 0 ? parameters : [.. parameters.OrderBy(p => Rank(p.Key))];
    }

    private int Rank(string name) => options.ParameterOrder.IndexOf(name) is var index and >= 0 ? index : int.MaxValue;

    private async Task<TokenSet> SendOnceAsync(List<KeyValuePair<string, string>> grant, TokenContext context, AccessToken? bearer, bool refresh, CancellationToken cancellationToken)
    {
        // One id per request message: a retry of this message resends it; a new message (a replaced bearer) gets its own.
        var requestId = string.IsNullOrEmpty(options.RequestIdParameter) && string.IsNullOrEmpty(options.RequestIdHeader) ? null : Guid.NewGuid().ToString("N");
        var parameters = Compose(grant, context, requestId);
        var endpoint = options.TokenEndpoint!;
        HttpContent content;
        switch (options.Encoding)
        {
            case RequestEncoding.Json:
                content = new ByteArrayContent(Json(parameters)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
                break;
            case RequestEncoding.Query:
                var query = new StringBuilder(endpoint.Query.Length > 1 ? endpoint.Query : "?");
                foreach (var (name, value) in parameters)
                {
                    query.Append(query.Length > 1 ? "&" : string.Empty).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
                }

                endpoint = new UriBuilder(endpoint) { Query = query.ToString() }.Uri;
                content = new ByteArrayContent([]) { Headers = { ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded") } };
                break;
            default:
                content = new FormUrlEncodedContent(parameters);
                break;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Accept.ParseAdd(options.Encoding == RequestEncoding.Query ? "*/*" : "application/json");
        foreach (var (name, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (requestId is not null && !string.IsNullOrEmpty(options.RequestIdHeader))
        {
            request.Headers.TryAddWithoutValidation(options.RequestIdHeader, requestId);
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Value);
        }
        else if (options.ClientCredentials == ClientCredentialPlacement.Basic)
        {
            // RFC 6749 section 2.3.1: form-encode each part, then Base64 "id:secret".
            var pair = $"{FormEncode(options.ClientId)}:{FormEncode(options.ClientSecret)}";
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        if (refresh)
        {
            // The server may rotate the refresh token on first sight: not sent again once an attempt may have reached it.
            OneTimeCredential.Mark(request, OneTimeCredentialKind.RefreshToken);
        }

        // Awaited inside the using: a retry resends this request's content, which must outlive every attempt.
        return await JsonTokenEndpoint.SendAsync(httpClient(), request, providerName,
            options.Response, timeProvider, options.DefaultTokenLifetime, options.AcceptedTokenTypes, cancellationToken).ConfigureAwait(false);
    }

    private static string FormEncode(string? value) => WebUtility.UrlEncode(value ?? string.Empty);

    private static byte[] Json(List<KeyValuePair<string, string>> parameters)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (name, value) in parameters)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>Gets what the shared cache keys this client's tokens by: endpoint, grant, client id, scope, user name, parameters; never a secret.</summary>
    public Caching.ConfigurationFingerprint Fingerprint => field ??= Caching.ConfigurationFingerprint.Create(
        options.GrantType, options.TokenEndpoint, options.ClientId, options.Scope, resource: null, options.Username, options.Parameters);
}
