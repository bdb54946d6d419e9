using System.Net;
using System.Text.Json;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients.OAuth2;

/// <summary>
/// The shared wire work of the standard grants, done by Duende.IdentityModel: client authentication,
/// scope, resource and extra parameters, endpoint discovery, and the mapping of responses and errors.
/// </summary>
/// <typeparam name="TOptions">The grant's options.</typeparam>
internal abstract partial class OAuth2TokenClient<TOptions> : ITokenClient, Caching.IConfigurationFingerprint, IProofOfPossessionClient
    where TOptions : OAuth2ClientOptions
{
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly DiscoveryCache? _discovery;
    private readonly DPoPProofKey? _dpop;
    private readonly IEnumerable<string> _acceptedTokenTypes;
    private ClientAssertionFactory? _assertions;

    protected OAuth2TokenClient(string providerName, TOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger)
    {
        ProviderName = providerName;
        Options = options;
        _httpClientFactory = httpClientFactory;
        Time = timeProvider;
        Logger = logger;
        if (options.TokenEndpoint is null && options.Authority is { } authority)
        {
            // The token client never validates tokens: a discovery document without jwks_uri is enough. The other checks stay
            // (issuer, endpoints under the authority, https off loopback).
            _discovery = new DiscoveryCache(authority.AbsoluteUri.TrimEnd('/'), CreateHttpClient, new DiscoveryPolicy { RequireKeySet = false });
        }

        _acceptedTokenTypes = options.AcceptedTokenTypes;
        if (options.DPoP.Enabled)
        {
            // One key per provider, for its lifetime: the tokens it obtains are bound to it (RFC 9449 section 6).
            _dpop = DPoPProofKey.Load(options.DPoP, timeProvider);
            _acceptedTokenTypes = [.. options.AcceptedTokenTypes, "DPoP"];
            Log.DPoPKeyReady(logger, providerName, _dpop.Algorithm, _dpop.Thumbprint, _dpop.Generated ? "generated" : "supplied");
        }
    }

    public virtual bool CanRefresh => true;

    public virtual bool RequiresInteraction => false;

    protected string ProviderName { get; }

    protected TOptions Options { get; }

    /// <summary>Gets a value indicating whether the endpoints come from the authority's discovery document.</summary>
    protected bool CanDiscover => _discovery is not null;

    protected TimeProvider Time { get; }

    protected ILogger Logger { get; }

    /// <summary>
    /// Gets what a provider's refresh request carries beyond the refresh token, taken from the token set being
    /// refreshed (JustLogin's sends the access token as Bearer); <see langword="null"/> for the standard request.
    /// </summary>
    public RefreshRequestHeaders? RefreshHeaders { get; init; }

    public abstract Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken);

    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrEmpty(current.RefreshToken);
        var request = new RefreshTokenRequest { RefreshToken = current.RefreshToken };
        RefreshHeaders?.Invoke(request.Headers, current);
        return SendAsync(GrantTypes.RefreshToken, request, context, cancellationToken);
    }

    /// <summary>Reads the discovery document of the authority, once per cache period.</summary>
    protected async Task<DiscoveryDocumentResponse> DiscoverAsync()
    {
        // Discovery and its key set are not the token request: their HTTP requests are not its attempts.
        var document = await TokenClientsDiagnostics.OutsideTokenRequestAsync(_discovery!.GetAsync).ConfigureAwait(false);
        if (document.IsError)
        {
            _discovery.Refresh();
            HttpStatusCode? status = document.HttpStatusCode == 0 ? null : document.HttpStatusCode;
            var reason = document.Exception is { } exception ? TokenEndpointFailure.Nested(TokenEndpointFailure.Describe(exception, status).Detail) : document.Error;
            throw new TokenRequestException(ProviderName, status, null, null,
                $"The discovery document of '{Options.Authority}' could not be read: {reason}", document.Exception);
        }

        Log.EndpointDiscovered(Logger, ProviderName);
        return document;
    }

    /// <summary>Sends a token request with the configured client authentication, scope, resource and parameters.</summary>
    protected async Task<TokenSet> SendAsync(string grant, TokenRequest request, TokenContext context, CancellationToken cancellationToken)
    {
        request.Address = Options.TokenEndpoint?.AbsoluteUri ?? MutualTlsAlias(await DiscoverAsync().ConfigureAwait(false), static a => a.TokenEndpoint, static d => d.TokenEndpoint);
        await AuthenticateAsync(request).ConfigureAwait(false);
        foreach (var (name, value) in Options.Parameters)
        {
            request.Parameters.Add(name, value, ParameterReplaceBehavior.Single);
        }

        foreach (var (name, value) in context.Parameters)
        {
            request.Parameters.Add(name, value, ParameterReplaceBehavior.Single);
        }

        // A refresh or a code exchange keeps the scope already granted (RFC 6749 sections 4.1.3 and 6): no configured
        // scope is sent. A context that asks for its own scope asks for it on the refresh too (RFC 6749 section 6 allows
        // narrowing; some servers choose the audience by scope), so its token is never the sign-in's wider one.
        var scope = request is RefreshTokenRequest ? context.Scope
            : request is AuthorizationCodeTokenRequest ? null
            : context.Scope ?? Options.Scope;
        if (scope is { Length: > 0 })
        {
            request.Parameters.Add("scope", scope, ParameterReplaceBehavior.Single);
        }

        if ((context.Resource ?? Options.Resource) is { Length: > 0 } resource)
        {
            request.Parameters.Add("resource", resource, ParameterReplaceBehavior.Single);
        }

        if (_dpop is not null)
        {
            // The proof itself is added inside each attempt (DPoPProofHandler): a resent attempt carries a new one.
            request.Options.Set(DPoPProofKey.RequestKey, _dpop);
        }

        // A refresh token (unless the provider's are reusable) and a code are spent by the server's first look at them:
        // the token HttpClient sends them again only when no earlier attempt can have reached the server.
        if (request is RefreshTokenRequest or AuthorizationCodeTokenRequest)
        {
            OneTimeCredential.Mark(request, request is RefreshTokenRequest ? OneTimeCredentialKind.RefreshToken : OneTimeCredentialKind.AuthorizationCode);
        }

        Log.TokenRequestSent(Logger, ProviderName, grant);
        TokenClientsDiagnostics.RecordGrant(grant);
        var client = CreateHttpClient();
        TokenResponse response;
        try
        {
            response = await (request switch
            {
                ClientCredentialsTokenRequest r => client.RequestClientCredentialsTokenAsync(r, cancellationToken),
                PasswordTokenRequest r => client.RequestPasswordTokenAsync(r, cancellationToken),
                RefreshTokenRequest r => client.RequestRefreshTokenAsync(r, cancellationToken),
                AuthorizationCodeTokenRequest r => client.RequestAuthorizationCodeTokenAsync(r, cancellationToken),
                _ => client.RequestTokenAsync(request, cancellationToken),
            }).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Connection failures, timeouts and an open circuit all mean the endpoint could not answer.
            throw Unreachable(exception);
        }

        var tokens = ToTokenSet(response, cancellationToken);
        return _dpop is null ? tokens : BindToKey(tokens, _dpop);
    }

    /// <summary>Sets the client authentication of <paramref name="request"/>: a secret (Basic or in the body), none, or an assertion added inside each attempt.</summary>
    /// <param name="request">The request to a token or revocation endpoint.</param>
    /// <param name="elsewhere">Whether the request goes to another endpoint than the token endpoint: an assertion still names the token endpoint.</param>
    private async ValueTask AuthenticateAsync(ProtocolRequest request, bool elsewhere = false)
    {
        request.ClientId = Options.ClientId!;
        var assertion = Options.ClientAuthentication is ClientAuthenticationMethod.PrivateKeyJwt or ClientAuthenticationMethod.ClientSecretJwt;
        // Mutual TLS (RFC 8705 section 2): the certificate the HttpClient presents is the proof; client_id goes in the body.
        request.ClientSecret = Options.ClientAuthentication is ClientAuthenticationMethod.None or ClientAuthenticationMethod.TlsClientAuth or ClientAuthenticationMethod.SelfSignedTlsClientAuth
            || assertion ? null : Options.ClientSecret;
        if (assertion)
        {
            // The assertion itself is added inside each attempt: a resent attempt carries a new one.
            var audience = await AssertionAudienceAsync().ConfigureAwait(false)
                ?? (elsewhere ? Options.TokenEndpoint?.AbsoluteUri ?? (await DiscoverAsync().ConfigureAwait(false)).TokenEndpoint : null);
            ClientAssertionRequest.Mark(request, _assertions ??= new(ProviderName, Options.ClientAuthentication, Options, Time), audience);
        }

        request.ClientCredentialStyle = Options.ClientAuthentication == ClientAuthenticationMethod.ClientSecretBasic
            ? ClientCredentialStyle.AuthorizationHeader
            : ClientCredentialStyle.PostBody;
        request.AuthorizationHeaderStyle = BasicAuthenticationHeaderStyle.Rfc6749;
    }

    /// <summary>The configured assertion audience: the issuer, or <see langword="null"/> for the address each attempt goes to.</summary>
    private async ValueTask<string?> AssertionAudienceAsync() => Options.ClientAssertion.Audience != ClientAssertionAudience.Issuer ? null
        : _discovery is null ? Options.Authority!.AbsoluteUri.TrimEnd('/')
        : (await DiscoverAsync().ConfigureAwait(false)).Issuer;

    private HttpClient CreateHttpClient() => _httpClientFactory.CreateClient(TokenClientsHttp.ClientName(ProviderName));

    private TokenSet ToTokenSet(TokenResponse response, CancellationToken cancellationToken)
    {
        HttpStatusCode? status = response.HttpResponse is null ? null : response.HttpStatusCode;
        if (response.ErrorType == ResponseErrorType.Exception && status is null)
        {
            if (response.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw response.Exception;
            }

            throw Unreachable(response.Exception);
        }

        // Read the JSON ourselves, defensively: a body that is not an object, or fields of the wrong type, must not escape as anything but TokenRequestException.
        if (response.Json is { ValueKind: JsonValueKind.Object } json)
        {
            if (response.ErrorType != ResponseErrorType.None || status is { } code && (int)code >= 400)
            {
                // A 401 invalid_client (or any status) still carries the OAuth error body.
                var error = JsonTokenEndpoint.ReadString(json, "error");
                throw new TokenRequestException(ProviderName, status, error, JsonTokenEndpoint.ReadString(json, "error_description"),
                    error is null ? "The token endpoint answered an error without an OAuth error code"
                    : _dpop is not null && error == "use_dpop_nonce" ? "The token endpoint demanded a DPoP nonce again after the request was sent with the nonce it gave; it was not sent a third time"
                    : null)
                {
                    ErrorUri = Uri.TryCreate(JsonTokenEndpoint.ReadString(json, "error_uri"), UriKind.Absolute, out var errorUri) ? errorUri : null,
                };
            }

            return JsonTokenEndpoint.ToTokenSet(json.Clone(), TokenResponseOptions.Standard, ProviderName, status ?? HttpStatusCode.OK, Time.GetUtcNow(), Options.DefaultTokenLifetime,
                _acceptedTokenTypes);
        }

        throw new TokenRequestException(ProviderName, status, null, null,
            status is { } success && (int)success < 300
                ? "The token endpoint's answer is not a JSON token response"
                : "The token endpoint answered without an OAuth error; check its address and availability",
            response.Exception);
    }

    private TokenRequestException Unreachable(Exception? exception) => TokenEndpointFailure.ToException(ProviderName, exception);

    /// <summary>
    /// Gets what the shared cache keys this client's tokens by: grant, endpoint, client id, scope, resource, user name,
    /// parameters, the client certificate's thumbprint (its tokens may be bound to it) and the DPoP key's thumbprint (a
    /// DPoP client's tokens are bound to its key, so only instances that share the key share tokens); never a secret.
    /// </summary>
    public Caching.ConfigurationFingerprint Fingerprint => field ??= Caching.ConfigurationFingerprint.Create(
        _dpop is null ? GetType().Name : GetType().Name + " DPoP " + _dpop.Thumbprint, Options.TokenEndpoint ?? Options.Authority, Options.ClientId, Options.Scope, Options.Resource, (Options as PasswordOptions)?.Username,
        Options.ClientCertificate.IsSet ? Options.Parameters.Append(new("x5t#S256", CertificateThumbprint())) : Options.Parameters);
}
