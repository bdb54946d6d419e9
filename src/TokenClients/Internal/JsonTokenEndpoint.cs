using System.Globalization;
using System.Net;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>Sends a vendor's token request and reads its answer defensively: capped size, JSON only, typed errors.</summary>
internal static class JsonTokenEndpoint
{
    public static async Task<TokenSet> SendAsync(HttpClient client, HttpRequestMessage request, string providerName, TokenResponseOptions shape,
        TimeProvider time, TimeSpan defaultLifetime, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (ResponseTooLargeException exception)
        {
            throw TooLarge(providerName, exception.StatusCode ?? HttpStatusCode.OK);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The message names the failure only: the request URI may carry credentials (Telmai).
            throw new TokenRequestException(providerName, null, null, null, $"The token endpoint could not be reached ({exception.GetType().Name})", exception);
        }

        using (response)
        {
            var body = await ReadCappedAsync(response, providerName, cancellationToken).ConfigureAwait(false);
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(body);
                root = document.RootElement.Clone();
            }
            catch (JsonException) when (!response.IsSuccessStatusCode)
            {
                throw new TokenRequestException(providerName, response.StatusCode, null, null, "The token endpoint answered an error without a JSON body");
            }
            catch (JsonException exception)
            {
                throw new TokenRequestException(providerName, response.StatusCode, null, null, "The token endpoint's answer is not JSON", exception);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new TokenRequestException(providerName, response.StatusCode, String(root, shape.Error), String(root, shape.ErrorDescription));
            }

            return ToTokenSet(root, shape, providerName, response.StatusCode, time.GetUtcNow(), defaultLifetime);
        }
    }

    public static TokenSet ToTokenSet(JsonElement root, TokenResponseOptions shape, string providerName, HttpStatusCode status, DateTimeOffset now, TimeSpan defaultLifetime)
    {
        var token = Navigate(root, shape.TokenPath);
        if (String(token, shape.AccessToken) is not { Length: > 0 } accessToken)
        {
            throw new TokenRequestException(providerName, status, String(root, shape.Error), String(root, shape.ErrorDescription),
                $"The token endpoint's answer carried no {shape.AccessToken}");
        }

        return new TokenSet
        {
            AccessToken = accessToken,
            TokenType = String(token, shape.TokenType) ?? "Bearer",
            ExpiresAt = ExpiresAt(token, shape.ExpiresIn, shape.ExpiryFormat, now) ?? JwtExpiry.Resolve(accessToken, null, now, defaultLifetime),
            RefreshToken = String(token, shape.RefreshToken) is { Length: > 0 } refresh ? refresh : null,
            RefreshTokenExpiresAt = ExpiresAt(token, shape.RefreshTokenExpiresIn, shape.ExpiryFormat, now),
            Scope = String(token, shape.Scope),
            IdentityToken = String(token, "id_token"),
            Raw = root,
        };
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string providerName, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > TokenClientsHttp.MaxResponseBytes)
        {
            throw TooLarge(providerName, response.StatusCode);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > TokenClientsHttp.MaxResponseBytes)
                {
                    throw TooLarge(providerName, response.StatusCode);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    public static TokenRequestException TooLarge(string providerName, HttpStatusCode status) =>
        new(providerName, status, null, null, $"The token endpoint's answer is larger than {TokenClientsHttp.MaxResponseBytes} bytes");

    public static string? ReadString(JsonElement root, string name) => String(root, name);

    /// <summary>Follows a dot-separated path of object properties (<c>data.token</c>); an empty path is the root.</summary>
    private static JsonElement Navigate(JsonElement root, string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return root;
        }

        var current = root;
        foreach (var segment in path.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current))
            {
                return default;
            }
        }

        return current;
    }

    /// <summary>An expiry as seconds from now (number or numeric string), Unix seconds, or an ISO 8601 time; null when absent or unusable.</summary>
    private static DateTimeOffset? ExpiresAt(JsonElement token, string? name, ExpiryFormat format, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        if (format == ExpiryFormat.DateTime)
        {
            return String(token, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        }

        if (Seconds(token, name) is not { } seconds || !double.IsFinite(seconds) || seconds <= 0 || seconds > 253402300799)
        {
            return null;
        }

        return format == ExpiryFormat.UnixTimeSeconds
            ? DateTimeOffset.FromUnixTimeSeconds((long)seconds)
            : now + TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(3650).TotalSeconds));
    }

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static double? Seconds(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var number) => number,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };
    }
}
