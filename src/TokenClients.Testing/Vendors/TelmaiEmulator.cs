using Microsoft.AspNetCore.Builder;

namespace TokenClients.Testing;

/// <summary>Settings of the Telmai emulator.</summary>
public sealed class TelmaiEmulatorOptions : EmulatorOptions
{
    /// <summary>Gets or sets the tenant required on every request; <see langword="null"/> accepts any or none.</summary>
    public string? Tenant { get; set; }
}

/// <summary>
/// Telmai's token endpoint (docs/vendors/telmai.md): camelCase parameters in the query string, an empty form-typed body,
/// <c>expires</c> instead of <c>expires_in</c>, errors shaped <c>{"description": …}</c>.
/// </summary>
public sealed class TelmaiEmulator : TokenEndpointEmulator
{
    private readonly TelmaiEmulatorOptions _options;

    private TelmaiEmulator(TelmaiEmulatorOptions options)
        : base(options, TimeSpan.FromHours(1)) // the page's example answers "expires": 3600
    {
        _options = options;
    }

    /// <inheritdoc/>
    public override Uri TokenEndpoint => new(BaseAddress, "auth/token");

    /// <inheritdoc/>
    protected override string ApiPath => "api/v1/datasets";

    /// <summary>Starts an emulator on a free loopback port.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator.</returns>
    public static async Task<TelmaiEmulator> StartAsync(TelmaiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var emulator = new TelmaiEmulator(options ?? new TelmaiEmulatorOptions());
        await emulator.StartServerAsync(cancellationToken).ConfigureAwait(false);
        return emulator;
    }

    /// <inheritdoc/>
    protected override void MapEndpoints(WebApplication app) => MapTokenEndpoint(app, "/auth/token", request =>
    {
        var query = request.Query;

        // The curl example: parameters in the query, -d '' (an empty body), Content-Type form.
        if (request.Body.Length > 0 || !HasContentType(request, "application/x-www-form-urlencoded") || !query.ContainsKey("grantType"))
        {
            return Error(400, "Bad Request");
        }

        if (query.GetValueOrDefault("clientId") != Options.ClientId)
        {
            return Error(401, "Unauthorized");
        }

        if (_options.Tenant is { } tenant && query.GetValueOrDefault("tenant") != tenant)
        {
            return Error(403, "Forbidden");
        }

        switch (query["grantType"])
        {
            case "password":
                var user = query.GetValueOrDefault("username");
                return user is not null && Options.Users.TryGetValue(user, out var password) && password == query.GetValueOrDefault("password")
                    ? Tokens(Issue(user, Options.ClientId, withRefreshToken: true), "password")
                    : Error(401, "Unauthorized");
            case "refresh_token":
                return RedeemRefreshToken(query.GetValueOrDefault("refreshToken"), Options.ClientId) is { } issued
                    ? Tokens(Issue(issued.Subject, Options.ClientId, withRefreshToken: true), "refresh_token")
                    : Error(401, "Unauthorized");
            default:
                return Error(404, "Not Found");
        }
    });

    private static EmulatorResponse Error(int status, string description) =>
        EmulatorResponse.Json(status, json => json.WriteString("description", description));

    private static EmulatorResponse Tokens(IssuedTokens issued, string grant) => EmulatorResponse.Json(200, json =>
    {
        json.WriteNumber("expires", issued.ExpiresIn);
        json.WriteString("access_token", issued.AccessToken);
        json.WriteString("refresh_token", issued.RefreshToken);
        json.WriteString("token_type", "Bearer");
    }, grant);
}
