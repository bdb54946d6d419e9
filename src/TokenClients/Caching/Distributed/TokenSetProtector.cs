using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients;

/// <summary>
/// Turns token sets into bytes encrypted and authenticated with ASP.NET Core Data Protection, and back, for shared
/// caches and stores. Each payload is bound to the key it is stored under: an entry copied to another key, tampered
/// with, or protected with a key ring these instances do not share reads back as <see langword="null"/>.
/// </summary>
/// <remarks>Thread-safe. Instances share entries only when they share the Data Protection key ring and application name.</remarks>
public sealed class TokenSetProtector
{
    private const string Purpose = "TokenClients.TokenSet.v1";
    private readonly IDataProtector _protector;

    /// <summary>Initializes a new instance of the <see cref="TokenSetProtector"/> class.</summary>
    /// <param name="dataProtection">The application's Data Protection.</param>
    public TokenSetProtector(IDataProtectionProvider dataProtection)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        _protector = dataProtection.CreateProtector(Purpose);
    }

    /// <summary>Reads and unprotects the entry at <paramref name="key"/>; an entry that does not read back is logged and missing.</summary>
    internal async ValueTask<TokenSet?> ReadAsync(IDistributedCache cache, string key, ILogger logger, CancellationToken cancellationToken)
    {
        var data = await cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (data is null)
        {
            return null;
        }

        var tokens = Unprotect(data, key);
        if (tokens is null)
        {
            Log.SharedEntryUnreadable(logger);
        }

        return tokens;
    }

    /// <summary>Serializes and protects a token set.</summary>
    /// <param name="tokens">The token set.</param>
    /// <param name="binding">The key the payload will be stored under.</param>
    /// <returns>The protected payload.</returns>
    public byte[] Protect(TokenSet tokens, string binding)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(binding);
        var payload = new ProtectedTokenSet
        {
            Binding = binding,
            AccessToken = tokens.AccessToken,
            TokenType = tokens.TokenType,
            ExpiresAt = tokens.ExpiresAt,
            RefreshToken = tokens.RefreshToken,
            RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
            Scope = tokens.Scope,
            IdentityToken = tokens.IdentityToken,
            Raw = tokens.Raw,
        };
        return _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(payload, ProtectedTokenSetJsonContext.Default.ProtectedTokenSet));
    }

    /// <summary>Unprotects and deserializes a token set.</summary>
    /// <param name="data">The protected payload.</param>
    /// <param name="binding">The key the payload was read from.</param>
    /// <returns>The token set, or <see langword="null"/> when the payload cannot be decrypted, is not a token set, or belongs to another key.</returns>
    public TokenSet? Unprotect(byte[]? data, string binding)
    {
        ArgumentNullException.ThrowIfNull(binding);
        if (data is null || data.Length == 0)
        {
            return null;
        }

        ProtectedTokenSet? payload;
        try
        {
            payload = JsonSerializer.Deserialize(_protector.Unprotect(data), ProtectedTokenSetJsonContext.Default.ProtectedTokenSet);
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException or FormatException or NotSupportedException)
        {
            return null;
        }

        return payload is { AccessToken.Length: > 0 } && string.Equals(payload.Binding, binding, StringComparison.Ordinal)
            ? new TokenSet
            {
                AccessToken = payload.AccessToken,
                TokenType = payload.TokenType ?? "Bearer",
                ExpiresAt = payload.ExpiresAt,
                RefreshToken = payload.RefreshToken,
                RefreshTokenExpiresAt = payload.RefreshTokenExpiresAt,
                Scope = payload.Scope,
                IdentityToken = payload.IdentityToken,
                Raw = payload.Raw,
            }
            : null;
    }
}

/// <summary>The plaintext of a protected token set.</summary>
internal sealed class ProtectedTokenSet
{
    [JsonPropertyName("k")]
    public string? Binding { get; set; }

    [JsonPropertyName("at")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("tt")]
    public string? TokenType { get; set; }

    [JsonPropertyName("exp")]
    public DateTimeOffset ExpiresAt { get; set; }

    [JsonPropertyName("rt")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("rexp")]
    public DateTimeOffset? RefreshTokenExpiresAt { get; set; }

    [JsonPropertyName("sc")]
    public string? Scope { get; set; }

    [JsonPropertyName("id")]
    public string? IdentityToken { get; set; }

    [JsonPropertyName("raw")]
    public JsonElement? Raw { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProtectedTokenSet))]
internal sealed partial class ProtectedTokenSetJsonContext : JsonSerializerContext;
