using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>Reads the <c>exp</c> claim of a JWT without validating it: only to know when to refresh.</summary>
internal static class JwtExpiry
{
    private const int MaxPayloadChars = 64 * 1024;

    public static bool TryRead(string token, out DateTimeOffset expiresAt)
    {
        expiresAt = default;
        var first = token.IndexOf('.', StringComparison.Ordinal);
        var second = first < 0 ? -1 : token.IndexOf('.', first + 1);
        if (second < 0 || second - first - 1 > MaxPayloadChars)
        {
            return false;
        }

        var payload = token.AsSpan(first + 1, second - first - 1);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(payload.Length));
        try
        {
            if (Base64Url.DecodeFromChars(payload, buffer, out _, out var written) != OperationStatus.Done)
            {
                return false;
            }

            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isExp = reader.ValueTextEquals("exp"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isExp)
                {
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var seconds)
                        && seconds is > 0 and < 253402300799)
                    {
                        expiresAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
                        return true;
                    }

                    return false;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Resolves an access token's expiry: seconds from the response, else the JWT <c>exp</c>, else the default lifetime.</summary>
    public static DateTimeOffset Resolve(string accessToken, double? expiresInSeconds, DateTimeOffset now, TimeSpan defaultLifetime)
    {
        if (expiresInSeconds is { } seconds && double.IsFinite(seconds) && seconds > 0)
        {
            return now + TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(3650).TotalSeconds));
        }

        return TryRead(accessToken, out var exp) ? exp : now + defaultLifetime;
    }
}
