using System.Globalization;
using System.Net;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>Sends a vendor's token request and reads its answer defensively: capped size, JSON only, typed errors.</summary>
internal static class JsonTokenEndpoint
{
    public static async Task<TokenSet> SendAsync(HttpClient client, HttpRequestMessage request, string providerName, TokenResponseOptions shape,
        TimeProvider time, TimeSpan defaultLifetime, IEnumerable<string> acceptedTokenTypes, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            // The token HttpClient reads (and caps) the whole body inside each attempt: the timeouts cover it.
            response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The message names the failure only: the request URI may carry credentials (Telmai).
            throw TokenEndpointFailure.ToException(providerName, exception);
        }

        using (response)
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
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

            return ToTokenSet(root, shape, providerName, response.StatusCode, time.GetUtcNow(), defaultLifetime, acceptedTokenTypes);
        }
    }

    public static TokenSet ToTokenSet(JsonElement root, TokenResponseOptions shape, string providerName, HttpStatusCode status, DateTimeOffset now, TimeSpan defaultLifetime,
        IEnumerable<string> acceptedTokenTypes)
    {
        var token = Navigate(root, shape.TokenPath);
        if (String(token, shape.AccessToken) is not { Length: > 0 } accessToken)
        {
            throw new TokenRequestException(providerName, status, String(root, shape.Error), String(root, shape.ErrorDescription),
                $"The token endpoint's answer carried no {shape.AccessToken}");
        }

        // RFC 6750 section 2.1: a token travels in an Authorization header, which holds visible ASCII only. Anything
        // else would be header injection, or a failure on every request that carries it: refuse it before it is cached.
        if (!IsVisibleAscii(accessToken))
        {
            throw new TokenRequestException(providerName, status, null, null,
                $"The token endpoint's {shape.AccessToken} has characters outside visible ASCII and cannot be sent in an Authorization header");
        }

        return new TokenSet
        {
            AccessToken = accessToken,
            TokenType = TokenType(String(token, shape.TokenType), acceptedTokenTypes, providerName, status),
            ExpiresAt = ExpiresAt(token, shape.ExpiresIn, shape.ExpiryFormat, now) ?? JwtExpiry.Resolve(accessToken, null, now, defaultLifetime),
            RefreshToken = String(token, shape.RefreshToken) is { Length: > 0 } refresh ? refresh : null,
            RefreshTokenExpiresAt = ExpiresAt(token, shape.RefreshTokenExpiresIn, shape.ExpiryFormat, now),
            Scope = String(token, shape.Scope),
            IdentityToken = String(token, "id_token"),
            Raw = root,
        };
    }

    /// <summary>
    /// <c>Bearer</c> in any case (Keycloak answers <c>bearer</c>), or no type at all, is a bearer token, spelled as RFC 6750
    /// does. Another type is only accepted when the provider lists it (in the listed spelling): sending, say, a DPoP or MAC
    /// token as a bearer token would fail at the API, or leak a token bound to a key.
    /// </summary>
    private static string TokenType(string? type, IEnumerable<string> accepted, string providerName, HttpStatusCode status)
    {
        if (string.IsNullOrEmpty(type) || string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return "Bearer";
        }

        foreach (var name in accepted)
        {
            if (string.Equals(type, name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        var shown = IsVisibleAscii(type) && type.Length <= 40 ? type : "(unprintable)";
        throw new TokenRequestException(providerName, status, null, null,
            $"The token endpoint issued a token of type '{shown}', which this provider does not accept; list it in {nameof(TokenClientOptions.AcceptedTokenTypes)} to use it");
    }

    private static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '\x21' or > '\x7E')
            {
                return false;
            }
        }

        return true;
    }

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
