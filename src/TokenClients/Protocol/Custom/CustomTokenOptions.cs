namespace TokenClients;

/// <summary>How the token request is encoded.</summary>
public enum RequestEncoding
{
    /// <summary><c>application/x-www-form-urlencoded</c> body (the standard).</summary>
    Form,

    /// <summary>A JSON object body (<c>application/json</c>).</summary>
    Json,

    /// <summary>Parameters in the query string and an empty form-typed body.</summary>
    Query,
}

/// <summary>Where the client credentials go.</summary>
public enum ClientCredentialPlacement
{
    /// <summary><c>client_id</c> and <c>client_secret</c> as request parameters.</summary>
    Parameters,

    /// <summary>HTTP Basic (RFC 6749 section 2.3.1); only <c>client_id</c> among the parameters when no secret is set.</summary>
    Basic,

    /// <summary>No client credentials at all.</summary>
    None,
}

/// <summary>
/// A token endpoint that bends the standard, described by options: encoding, parameter names, extra parameters and
/// headers, grant types, client credential placement, a Bearer token from another provider, and the response shape.
/// </summary>
public sealed class CustomTokenOptions : TokenClientOptions
{
    /// <summary>Gets or sets the token endpoint. Must be https (loopback excepted).</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the grant type of a new token request (<c>client_credentials</c>, <c>password</c> or a custom name).</summary>
    public string GrantType { get; set; } = GrantTypes.ClientCredentials;

    /// <summary>Gets or sets the grant type of a refresh; empty means the endpoint cannot refresh. Default: <c>refresh_token</c>.</summary>
    public string? RefreshGrantType { get; set; } = GrantTypes.RefreshToken;

    /// <summary>Gets or sets how the request is encoded. Default: <see cref="RequestEncoding.Form"/>.</summary>
    public RequestEncoding Encoding { get; set; } = RequestEncoding.Form;

    /// <summary>Gets or sets where the client credentials go. Default: <see cref="ClientCredentialPlacement.Parameters"/>.</summary>
    public ClientCredentialPlacement ClientCredentials { get; set; } = ClientCredentialPlacement.Parameters;

    /// <summary>
    /// Gets or sets the name of another registered provider whose token is sent as <c>Authorization: Bearer</c> with
    /// every request (a two-stage endpoint: a client token, then a user token requested with it).
    /// </summary>
    public string? BearerTokenProvider { get; set; }

    /// <summary>Gets or sets the client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the user name, sent when set (password-style grants).</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password, sent when set. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the scope, sent with new token requests when set.</summary>
    public string? Scope { get; set; }

    /// <summary>
    /// Gets the provider's names for the standard parameters, keyed by the standard name: <c>grant_type</c>,
    /// <c>client_id</c>, <c>client_secret</c>, <c>username</c>, <c>password</c>, <c>scope</c>, <c>refresh_token</c>
    /// (for example <c>client_id</c> → <c>clientId</c>).
    /// </summary>
    public IDictionary<string, string> ParameterNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets extra parameters sent first with every request (for example <c>response_type=token</c>). A standard
    /// parameter's name (after <see cref="ParameterNames"/>) listed here is sent with this value, in this place.
    /// </summary>
    public IDictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the name of a parameter that carries a fresh unique id with every request (32 hex digits, for
    /// example Telmai's <c>transactionId</c>); empty sends none. It follows the grant's parameters.
    /// </summary>
    public string? RequestIdParameter { get; set; }

    /// <summary>
    /// Gets the order of the parameters, by the names they are sent with (after <see cref="ParameterNames"/>): the
    /// listed ones that are sent go first, in this order; the others follow in the default order. The default order:
    /// <see cref="Parameters"/>, <c>client_id</c>, <c>client_secret</c>, <c>grant_type</c>, <c>username</c>,
    /// <c>password</c>, <c>scope</c> (or <c>refresh_token</c>), <see cref="RequestIdParameter"/>, then the call's
    /// <see cref="TokenContext.Parameters"/>. A standard parameter without a value is not sent.
    /// </summary>
    public IList<string> ParameterOrder { get; } = new List<string>();

    /// <summary>Gets extra headers sent with every request. Values are treated as secrets: never logged.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets the name of a header that carries a fresh unique id with every request (for example
    /// <c>X-Request-ID</c>); the same id as <see cref="RequestIdParameter"/> when both are set. Empty sends none.
    /// </summary>
    public string? RequestIdHeader { get; set; }

    /// <summary>Gets how the answer is read.</summary>
    public TokenResponseOptions Response { get; } = new();
}
