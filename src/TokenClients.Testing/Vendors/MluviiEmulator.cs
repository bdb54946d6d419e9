using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>Mluvii's token endpoint (docs/vendors/mluvii.md): client credentials as a form with <c>response_type=token</c>; no refresh token.</summary>
public sealed class MluviiEmulator : TokenEndpointEmulator
{
    private MluviiEmulator(EmulatorOptions options)
        : base(options, TimeSpan.FromHours(1)) // "The token is valid for 1 hour"
    {
    }

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, "login/connect/token");

    /// <inheritdoc/>
    protected override string ApiPath => "api/v1/Sessions";

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<MluviiEmulator> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new MluviiEmulator(options ?? new EmulatorOptions());
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app) => MapTokenEndpoint(app, "/login/connect/token", request =>
    {
        if (!HasContentType(request, "application/x-www-form-urlencoded"))
        {
            return EmulatorResponse.OAuthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
        }

        var form = request.Form;
        if (form.GetValueOrDefault("response_type") != "token")
        {
            // The page's curl sends response_type=token.
            return EmulatorResponse.OAuthError(400, "invalid_request", "response_type=token is required");
        }

        if (form.GetValueOrDefault("grant_type") != "client_credentials")
        {
            return EmulatorResponse.OAuthError(400, "unsupported_grant_type");
        }

        if (form.GetValueOrDefault("client_id") != Options.ClientId || form.GetValueOrDefault("client_secret") != Options.ClientSecret)
        {
            return EmulatorResponse.OAuthError(400, "invalid_client");
        }

        var issued = Issue(Options.ClientId, Options.ClientId, withRefreshToken: false, scope: "api", kind: "client");
        return EmulatorResponse.Json(200, json =>
        {
            json.WriteString("access_token", issued.AccessToken);
            json.WriteNumber("expires_in", issued.ExpiresIn);
            json.WriteString("token_type", "Bearer");
            json.WriteString("scope", "api");
        }, "client_credentials");
    });
}
