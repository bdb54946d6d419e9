using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.DataProtection;

namespace TokenClients.Caching;

/// <summary>
/// The one encrypted format of shared entries: <c>{"k": key, "v": value}</c> in source-generated JSON, encrypted and
/// authenticated with Data Protection. The payload is bound to the key it is stored under: an entry copied to another
/// key, tampered with, or protected with a key ring these instances do not share reads back as <see langword="null"/>.
/// </summary>
/// <remarks>Thread-safe. Instances share entries only when they share the Data Protection key ring and application name.</remarks>
internal sealed class SharedPayload(IDataProtectionProvider dataProtection)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("TokenClients.Shared.v2");

    public byte[] Protect<T>(T value, string binding, JsonTypeInfo<Bound<T>> info) =>
        _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(new Bound<T> { Key = binding, Value = value }, info));

    public T? Unprotect<T>(byte[] data, string binding, JsonTypeInfo<Bound<T>> info)
        where T : class
    {
        if (data.Length == 0)
        {
            return null;
        }

        try
        {
            var bound = JsonSerializer.Deserialize(_protector.Unprotect(data), info);
            return bound is not null && string.Equals(bound.Key, binding, StringComparison.Ordinal) ? bound.Value : null;
        }
        catch (Exception exception) when (exception is CryptographicException or JsonException or FormatException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>A value and the key it is bound to.</summary>
/// <typeparam name="T">The value's type.</typeparam>
internal sealed class Bound<T>
{
    [JsonPropertyName("k")]
    public string? Key { get; set; }

    [JsonPropertyName("v")]
    public T? Value { get; set; }
}

/// <summary>The one serialised form of a <see cref="TokenSet"/>.</summary>
internal sealed class TokenSetData
{
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

    public static TokenSetData From(TokenSet tokens) => new()
    {
        AccessToken = tokens.AccessToken,
        TokenType = tokens.TokenType,
        ExpiresAt = tokens.ExpiresAt,
        RefreshToken = tokens.RefreshToken,
        RefreshTokenExpiresAt = tokens.RefreshTokenExpiresAt,
        Scope = tokens.Scope,
        IdentityToken = tokens.IdentityToken,
        Raw = tokens.Raw,
    };

    public TokenSet? ToTokenSet() => AccessToken is { Length: > 0 }
        ? new TokenSet
        {
            AccessToken = AccessToken,
            TokenType = TokenType ?? "Bearer",
            ExpiresAt = ExpiresAt,
            RefreshToken = RefreshToken,
            RefreshTokenExpiresAt = RefreshTokenExpiresAt,
            Scope = Scope,
            IdentityToken = IdentityToken,
            Raw = Raw,
        }
        : null;
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Bound<TokenSetData>))]
internal sealed partial class SharedPayloadJsonContext : JsonSerializerContext;
