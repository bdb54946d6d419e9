namespace TokenClients;

/// <summary>
/// Settings of the device authorization grant (RFC 8628), for tokens of users who sign in on another device: a command
/// line tool, a TV, a headless job. Users sign in through the keyed <see cref="IDeviceCodeFlow"/>; their token sets are
/// kept in the <see cref="ITokenStore"/> per subject and refreshed with their refresh tokens.
/// </summary>
public sealed class DeviceCodeOptions : OAuth2ClientOptions
{
    /// <summary>Initializes a new instance of the <see cref="DeviceCodeOptions"/> class, for a public client (no secret).</summary>
    public DeviceCodeOptions() => ClientAuthentication = ClientAuthenticationMethod.None;

    /// <summary>
    /// Gets or sets the device authorization endpoint. Discovered from <see cref="OAuth2ClientOptions.Authority"/>
    /// (<c>device_authorization_endpoint</c>) when neither it nor <see cref="OAuth2ClientOptions.TokenEndpoint"/> is set.
    /// Must be https (loopback excepted).
    /// </summary>
    public Uri? DeviceAuthorizationEndpoint { get; set; }
}
