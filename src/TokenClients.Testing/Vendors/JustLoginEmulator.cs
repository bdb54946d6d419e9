using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>
/// JustLogin's identity server (docs/vendors/justlogin.md): authorization code with state and PKCE, "client credentials in
/// body" (a Basic header is refused), rotating refresh tokens, tokens per user (<c>{company}/{user}</c> as subject).
/// </summary>
public sealed class JustLoginEmulator : OidcEmulator
{
    private JustLoginEmulator(OidcEmulatorOptions options)
        : base(options, TimeSpan.FromHours(1)) // "the lifetime of an access token is short, usually 1 hour"
    {
    }

    /// <inheritdoc/>
    public override Uri AuthorizeEndpoint => new(BaseAddress, "v1/auth/connect/authorize");

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, "v1/auth/connect/token");

    /// <inheritdoc/>
    protected override string ApiPath => "v1/users/me";

    /// <summary>Starts an emulator on a free loopback port; the auto-approved user is <c>acme/alice</c> unless set.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<JustLoginEmulator> StartAsync(OidcEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        // The user signs in with Company Id, Username and Password: the subject names both.
        options ??= new OidcEmulatorOptions { AutoApproveUser = "acme/alice" };
        var emulator = new JustLoginEmulator(options);
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app)
    {
        MapAuthorizeEndpoint(app, "/v1/auth/connect/authorize");
        MapTokenEndpoint(app, "/v1/auth/connect/token", request =>
        {
            if (!HasContentType(request, "application/x-www-form-urlencoded"))
            {
                return EmulatorResponse.OAuthError(400, "invalid_request");
            }

            var form = request.Form;

            // Postman settings on the page: "Send client credentials in body".
            if (request.Headers.TryGetValue("Authorization", out var authorization) && authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return EmulatorResponse.OAuthError(401, "invalid_client", "Send client credentials in the body");
            }

            if (form.GetValueOrDefault("client_id") != Options.ClientId || form.GetValueOrDefault("client_secret") != Options.ClientSecret)
            {
                return EmulatorResponse.OAuthError(401, "invalid_client");
            }

            return form.GetValueOrDefault("grant_type") switch
            {
                "authorization_code" => RedeemCode(form),
                "refresh_token" => RedeemRefresh(form),
                _ => EmulatorResponse.OAuthError(400, "unsupported_grant_type"),
            };
        });
    }
}
