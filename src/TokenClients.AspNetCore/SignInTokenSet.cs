using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace TokenClients.AspNetCore;

/// <summary>The token set of an OpenID Connect sign-in's token endpoint response.</summary>
internal static class SignInTokenSet
{
    /// <summary>How long an access token with neither <c>expires_in</c> nor a JWT <c>exp</c> is taken to live.</summary>
    internal static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    public static TokenSet? From(OpenIdConnectMessage? response, DateTimeOffset now)
    {
        if (response is null || string.IsNullOrEmpty(response.AccessToken))
        {
            return null;
        }

        var expiresAt = int.TryParse(response.ExpiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? now.AddSeconds(seconds)
            : JwtExpiry(response.AccessToken) ?? now + DefaultLifetime;
        return new TokenSet
        {
            AccessToken = response.AccessToken,
            TokenType = string.IsNullOrEmpty(response.TokenType) ? "Bearer" : response.TokenType,
            ExpiresAt = expiresAt,
            RefreshToken = string.IsNullOrEmpty(response.RefreshToken) ? null : response.RefreshToken,
            Scope = string.IsNullOrEmpty(response.Scope) ? null : response.Scope,
            IdentityToken = string.IsNullOrEmpty(response.IdToken) ? null : response.IdToken,
        };
    }

    /// <summary>The <c>exp</c> claim of a JWT access token, read without validation (the token is not ours to validate).</summary>
    internal static DateTimeOffset? JwtExpiry(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var payload = Base64Url.DecodeFromChars(parts[1]);
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isExp && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var exp))
                {
                    return DateTimeOffset.FromUnixTimeSeconds(exp);
                }

                reader.Skip();
            }
        }
        catch (Exception exception) when (exception is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }

        return null;
    }
}
