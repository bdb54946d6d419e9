using Microsoft.Extensions.Logging;

namespace TokenClients.Testing;

/// <summary>Settings every emulator shares. The defaults let a sample run with no configuration.</summary>
public class EmulatorOptions
{
    /// <summary>Gets or sets the clock that judges token expiry (a FakeTimeProvider in tests). Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the access token lifetime; <see langword="null"/> for the vendor's documented default.</summary>
    public TimeSpan? AccessTokenLifetime { get; set; }

    /// <summary>Gets or sets the refresh token lifetime. Default: 7 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets a value indicating whether a used refresh token is replaced by a new one. Default: <see langword="true"/>.</summary>
    public bool RotateRefreshTokens { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether access tokens are opaque random strings instead of JWTs, so a client
    /// cannot read an <c>exp</c> claim and must rely on the answer's expiry (or its default lifetime). Default: <see langword="false"/>.
    /// </summary>
    public bool OpaqueAccessTokens { get; set; }

    /// <summary>Gets or sets the client id the emulator accepts. Default: <c>demo-client</c>.</summary>
    public string ClientId { get; set; } = "demo-client";

    /// <summary>Gets or sets the client secret the emulator accepts. Default: <c>demo-secret</c>.</summary>
    public string ClientSecret { get; set; } = "demo-secret";

    /// <summary>Gets the users the emulator knows, user name to password. Default: <c>alice</c> / <c>alice-password</c>.</summary>
    public IDictionary<string, string> Users { get; } = new Dictionary<string, string>(StringComparer.Ordinal) { ["alice"] = "alice-password" };

    /// <summary>Gets or sets where the emulator's own server logs go; <see langword="null"/> for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
