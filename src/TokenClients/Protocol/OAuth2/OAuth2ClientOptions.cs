namespace TokenClients;

/// <summary>Settings shared by the standard OAuth2 grants.</summary>
public abstract class OAuth2ClientOptions : TokenClientOptions
{
    /// <summary>
    /// Gets or sets the issuer whose OpenID discovery document (<c>/.well-known/openid-configuration</c>) names the
    /// endpoints. Used when <see cref="TokenEndpoint"/> is not set. Must be https (loopback excepted).
    /// </summary>
    public Uri? Authority { get; set; }

    /// <summary>Gets or sets the token endpoint. Must be https (loopback excepted).</summary>
    public Uri? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets how the client authenticates. Default: <see cref="ClientAuthenticationMethod.ClientSecretBasic"/>.</summary>
    public ClientAuthenticationMethod ClientAuthentication { get; set; } = ClientAuthenticationMethod.ClientSecretBasic;

    /// <summary>
    /// Gets the signing key and assertion settings used when <see cref="ClientAuthentication"/> is
    /// <see cref="ClientAuthenticationMethod.PrivateKeyJwt"/> or <see cref="ClientAuthenticationMethod.ClientSecretJwt"/>.
    /// </summary>
    public ClientAssertionOptions ClientAssertion { get; } = new();

    /// <summary>
    /// Gets the client certificate of mutual TLS (RFC 8705): required when <see cref="ClientAuthentication"/> is
    /// <see cref="ClientAuthenticationMethod.TlsClientAuth"/> or <see cref="ClientAuthenticationMethod.SelfSignedTlsClientAuth"/>,
    /// and presented by the token endpoint's HttpClient whenever it is set (certificate-bound tokens with any client
    /// authentication). Checked on start: it must load, hold its private key and be valid.
    /// </summary>
    public ClientCertificateOptions ClientCertificate { get; } = new();

    /// <summary>
    /// Gets the DPoP settings (RFC 9449): when enabled, every token request carries a proof of the provider's key, a DPoP
    /// token is bound to that key, and <see cref="TokenHandler"/> sends each request with it with a new proof.
    /// </summary>
    public DPoPOptions DPoP { get; } = new();

    /// <summary>Gets or sets the space-separated scopes to request.</summary>
    public string? Scope { get; set; }

    /// <summary>Gets or sets the resource indicator (RFC 8707) to request.</summary>
    public string? Resource { get; set; }

    /// <summary>Gets extra parameters sent with every token request.</summary>
    public IDictionary<string, string> Parameters { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>Settings of the <c>client_credentials</c> grant.</summary>
public sealed class ClientCredentialsOptions : OAuth2ClientOptions
{
}

/// <summary>Settings of the resource-owner <c>password</c> grant, refreshed with the refresh token when one is issued.</summary>
public sealed class PasswordOptions : OAuth2ClientOptions
{
    /// <summary>Gets or sets the user name.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the password. Never logged.</summary>
    public string? Password { get; set; }
}

/// <summary>Settings of the <c>authorization_code</c> grant with PKCE, for tokens of connected user accounts.</summary>
public sealed class AuthorizationCodeOptions : OAuth2ClientOptions
{
    /// <summary>Gets or sets the authorize endpoint. Discovered from <see cref="OAuth2ClientOptions.Authority"/> when not set.</summary>
    public Uri? AuthorizeEndpoint { get; set; }

    /// <summary>
    /// Gets or sets the revocation endpoint (RFC 7009) that <see cref="IAuthorizationCodeFlow.SignOutAsync"/> revokes the
    /// refresh token at. Discovered from <see cref="OAuth2ClientOptions.Authority"/> (<c>revocation_endpoint</c>) when not
    /// set. Must be https (loopback excepted).
    /// </summary>
    public Uri? RevocationEndpoint { get; set; }

    /// <summary>
    /// Gets or sets the issuer identifier that the server puts in the <c>iss</c> parameter of its authorization responses
    /// (RFC 9207), compared character for character. Set it for a server that sends <c>iss</c> but is not found through
    /// discovery: every callback must then carry it. Without it the discovered <c>issuer</c> is used, and <c>iss</c> is
    /// required when the discovery document says <c>authorization_response_iss_parameter_supported</c>. A callback with
    /// another issuer's <c>iss</c> (a mix-up attack) fails with an <see cref="AuthorizationResponseIssuerException"/>
    /// before its code is redeemed.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>Gets or sets the callback URL registered with the provider. Must be https (loopback excepted).</summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>Gets or sets a value indicating whether PKCE (S256) is used. Default: <see langword="true"/>.</summary>
    public bool UsePkce { get; set; } = true;

    /// <summary>Gets or sets how long a started sign-in waits for its callback. Default: 10 minutes.</summary>
    public TimeSpan PendingSignInLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets how many sign-ins started on this instance may wait for their callback at once. Past it, starting a
    /// sign-in drops the oldest pending one, whose callback then fails as an unknown <c>state</c>: a flood of started
    /// sign-ins cannot exhaust memory. Must be positive. Default: 10,000.
    /// </summary>
    public int MaxPendingSignIns { get; set; } = DefaultMaxPendingSignIns;

    /// <summary>The default of <see cref="MaxPendingSignIns"/>.</summary>
    internal const int DefaultMaxPendingSignIns = 10_000;
}
