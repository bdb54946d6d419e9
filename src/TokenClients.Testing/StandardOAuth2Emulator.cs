using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>
/// A standard OAuth2 / OpenID Connect server: <c>connect/token</c> with the client_credentials, password, refresh_token
/// (rotated when <see cref="EmulatorOptions.RotateRefreshTokens"/>) and authorization_code (with PKCE) grants,
/// <c>connect/authorize</c>, a discovery document, client_secret_basic and client_secret_post, and the API
/// <c>api/me</c>. <see cref="StandardOAuth2EmulatorOptions"/> bends it into non-standard shapes: JSON or query-string
/// requests, renamed parameters, a wrapped answer, another expiry field or format, <c>{"description"}</c> errors, and a
/// Bearer token from another provider.
/// </summary>
public sealed partial class StandardOAuth2Emulator : OidcEmulator
{
    private readonly StandardOAuth2EmulatorOptions _options;

    private StandardOAuth2Emulator(StandardOAuth2EmulatorOptions options)
        : base(options, TimeSpan.FromHours(1))
    {
        _options = options;
    }

    /// <inheritdoc/>
    public override Uri AuthorizeEndpoint => new(BaseAddress, "connect/authorize");

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, "connect/token");

    /// <summary>Gets the OpenID discovery document's address; the issuer (the authority) is <see cref="TokenEndpointEmulator.BaseAddress"/>.</summary>
    public Uri DiscoveryEndpoint => new(BaseAddress, ".well-known/openid-configuration");

    /// <inheritdoc/>
    protected override string ApiPath => "api/me";

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for a standard server with the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<StandardOAuth2Emulator> StartAsync(StandardOAuth2EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new StandardOAuth2Emulator(options ?? new StandardOAuth2EmulatorOptions());
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/.well-known/openid-configuration", context => EmulatorResponse.Json(200, json =>
        {
            json.WriteString("issuer", BaseAddress.AbsoluteUri.TrimEnd('/'));
            json.WriteString("authorization_endpoint", AuthorizeEndpoint.AbsoluteUri);
            json.WriteString("token_endpoint", TokenEndpoint.AbsoluteUri);
            json.WriteString("jwks_uri", new Uri(BaseAddress, ".well-known/jwks").AbsoluteUri);
            WriteArray(json, "response_types_supported", "code");
            WriteArray(json, "grant_types_supported", "authorization_code", "client_credentials", "password", "refresh_token");
            WriteArray(json, "token_endpoint_auth_methods_supported", _options.ClientAssertionKey is null ? ["client_secret_basic", "client_secret_post"] : ["private_key_jwt"]);
            WriteArray(json, "code_challenge_methods_supported", "S256", "plain");
            WriteArray(json, "id_token_signing_alg_values_supported", "RS256");
        }).WriteAsync(context));
        app.MapGet("/.well-known/jwks", context => EmulatorResponse.Json(200, WriteSigningKeys).WriteAsync(context));
        MapAuthorizeEndpoint(app, "/connect/authorize");
        MapTokenEndpoint(app, "/connect/token", request => _options.RequireDPoP ? AnswerWithProof(request, Answer) : Answer(request));
    }

    /// <inheritdoc/>
    protected override EmulatorResponse TokenAnswer(IssuedTokens issued, string grant, string tokenType, bool withIdToken)
    {
        ArgumentNullException.ThrowIfNull(issued);
        tokenType = Bind(issued, tokenType);
        var path = string.IsNullOrEmpty(_options.TokenPath) ? [] : _options.TokenPath.Split('.');
        var expiresAt = Time.GetUtcNow().AddSeconds(issued.ExpiresIn);
        var field = _options.ExpiryField;
        return EmulatorResponse.Json(200, json =>
        {
            foreach (var segment in path)
            {
                json.WriteStartObject(segment);
            }

            json.WriteString("access_token", issued.AccessToken);
            json.WriteString("token_type", tokenType);
            switch (_options.ExpiryFormat)
            {
                case EmulatorExpiryFormat.Seconds:
                    json.WriteNumber(field, issued.ExpiresIn);
                    break;
                case EmulatorExpiryFormat.SecondsAsString:
                    json.WriteString(field, issued.ExpiresIn.ToString(CultureInfo.InvariantCulture));
                    break;
                case EmulatorExpiryFormat.UnixTimeSeconds:
                    json.WriteNumber(field, expiresAt.ToUnixTimeSeconds());
                    break;
                case EmulatorExpiryFormat.DateTime:
                    json.WriteString(field, expiresAt);
                    break;
                case EmulatorExpiryFormat.Absent:
                default:
                    break;
            }

            WriteOptionalFields(json, issued, withIdToken);

            foreach (var _ in path)
            {
                json.WriteEndObject();
            }
        }, grant);
    }

    /// <inheritdoc/>
    protected override EmulatorResponse ErrorAnswer(int statusCode, string errorCode, string description) =>
        _options.ErrorShape == EmulatorErrorShape.Description
            ? EmulatorResponse.Json(statusCode, json => json.WriteString("description", description))
            : EmulatorResponse.OAuthError(statusCode, errorCode, description);

    private static void WriteArray(System.Text.Json.Utf8JsonWriter json, string name, params string[] values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private EmulatorResponse Answer(RecordedRequest request)
    {
        var parameters = Parameters(request);
        if (parameters.GetValueOrDefault("grant_type") is not { } grant)
        {
            return ErrorAnswer(400, "invalid_request", $"grant_type is missing (parameters are read from: {_options.AcceptedEncodings})");
        }

        if (!Authenticates(request, parameters))
        {
            return ErrorAnswer(401, "invalid_client", "Client authentication failed");
        }

        var scope = parameters.GetValueOrDefault("scope");
        switch (grant)
        {
            case "client_credentials":
                // RFC 6749 section 4.4.3: no refresh token for client credentials.
                return TokenAnswer(Issue(Options.ClientId, Options.ClientId, withRefreshToken: false, scope, kind: "client"), grant, "Bearer", withIdToken: false);
            case "password":
                if (_options.BearerTokenValidator is { } validator && (BearerToken(request.Headers) is not { } bearer || !validator(bearer)))
                {
                    // RFC 6750 section 3: a missing or dead bearer token is a 401 with a challenge, not a grant error.
                    var challenge = EmulatorResponse.Empty(401);
                    challenge.Headers["WWW-Authenticate"] = "Bearer error=\"invalid_token\"";
                    return challenge;
                }

                var user = parameters.GetValueOrDefault("username");
                return user is not null && Options.Users.TryGetValue(user, out var password) && password == parameters.GetValueOrDefault("password")
                    ? TokenAnswer(Issue(user, Options.ClientId, withRefreshToken: true, scope), grant, "Bearer", withIdToken: false)
                    : ErrorAnswer(400, "invalid_grant", "Invalid username or password");
            case "refresh_token":
                return RedeemRefresh(parameters);
            case "authorization_code":
                return RedeemCode(parameters);
            default:
                return ErrorAnswer(400, "unsupported_grant_type", "The grant type is not supported");
        }
    }

    /// <summary>The request's parameters under their standard names, read only from the accepted encodings.</summary>
    private Dictionary<string, string> Parameters(RecordedRequest request)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        var accepted = _options.AcceptedEncodings;
        Copy(accepted.HasFlag(EmulatorRequestEncodings.Query) ? request.Query : null);
        Copy(accepted.HasFlag(EmulatorRequestEncodings.Form) ? request.Form : null);
        Copy(accepted.HasFlag(EmulatorRequestEncodings.Json) ? request.Json : null);
        return parameters;

        void Copy(IReadOnlyDictionary<string, string>? source)
        {
            foreach (var (name, value) in source ?? new Dictionary<string, string>())
            {
                if (StandardName(name) is { } standard)
                {
                    parameters[standard] = value;
                }
            }
        }
    }

    /// <summary>Maps a wire name to its standard name; a standard name that was renamed is not accepted.</summary>
    private string? StandardName(string wireName)
    {
        foreach (var (standard, renamed) in _options.ParameterNames)
        {
            if (renamed == wireName)
            {
                return standard;
            }
        }

        return _options.ParameterNames.ContainsKey(wireName) ? null : wireName;
    }

    /// <summary>client_secret_basic or client_secret_post; a public client (empty secret) sends only its id.</summary>
    private bool Authenticates(RecordedRequest request, Dictionary<string, string> parameters)
    {
        if (_options.ClientAssertionKey is not null)
        {
            // A client registered with a key authenticates with it only.
            return AuthenticatesWithAssertion(parameters);
        }

        var id = parameters.GetValueOrDefault("client_id");
        var secret = parameters.GetValueOrDefault("client_secret");
        if (request.Headers.TryGetValue("Authorization", out var header) && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6749 section 2.3.1: form-encoded id and secret joined by a colon; one method only.
            string pair;
            try
            {
                pair = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            }
            catch (FormatException)
            {
                return false;
            }

            var colon = pair.IndexOf(':', StringComparison.Ordinal);
            var basicId = colon < 0 ? null : WebUtility.UrlDecode(pair[..colon]);
            if (basicId is null || secret is not null || (id is not null && id != basicId))
            {
                return false;
            }

            (id, secret) = (basicId, WebUtility.UrlDecode(pair[(colon + 1)..]));
        }

        return id == Options.ClientId && (secret ?? string.Empty) == Options.ClientSecret;
    }
}
