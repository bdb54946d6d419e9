using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace TokenClients.Cli;

/// <summary>Reads a JWT's header and claims without checking its signature.</summary>
internal static class Jwt
{
    /// <summary>The registered claims that hold a time (RFC 7519 section 4.1).</summary>
    public static readonly string[] TimeClaims = ["exp", "nbf", "iat"];

    /// <exception cref="CliException">The text is not a JWS compact serialization with JSON header and claims.</exception>
    public static (JsonDocument Header, JsonDocument Claims) Decode(string jwt)
    {
        var parts = jwt.Trim().Split('.');
        if (parts.Length == 5)
        {
            throw new CliException("this is an encrypted JWT (JWE): its claims cannot be read without the recipient's key");
        }

        if (parts.Length != 3)
        {
            throw new CliException($"not a JWT: expected three dot-separated parts (header.claims.signature), found {parts.Length}");
        }

        return (Part(parts[0], "header"), Part(parts[1], "claims"));
    }

    public static bool TryReadTime(JsonDocument claims, string claim, out DateTimeOffset time)
    {
        time = default;
        if (claims.RootElement.ValueKind == JsonValueKind.Object
            && claims.RootElement.TryGetProperty(claim, out var value)
            && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var seconds)
            && seconds is >= -62135596800 and <= 253402300799)
        {
            time = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return false;
    }

    public static string Indented(JsonDocument document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static JsonDocument Part(string text, string name)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            throw new CliException($"not a JWT: the {name} part is not base64url");
        }

        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            throw new CliException($"not a JWT: the {name} part is not JSON");
        }
    }
}
