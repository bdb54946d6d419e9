using System.Globalization;
using System.Net;
using System.Text.Json;

namespace TokenClients.Internal;

/// <summary>Field names of a token response that bends the standard (Telmai's <c>expires</c>, its <c>description</c> errors).</summary>
internal sealed record TokenResponseShape
{
    public static readonly TokenResponseShape Standard = new();

    public string AccessToken { get; init; } = "access_token";

    public string ExpiresIn { get; init; } = "expires_in";

    public string TokenType { get; init; } = "token_type";

    public string RefreshToken { get; init; } = "refresh_token";

    public string RefreshExpiresIn { get; init; } = "refresh_expires_in";

    public string Scope { get; init; } = "scope";

    public string Error { get; init; } = "error";

    public string ErrorDescription { get; init; } = "error_description";
}

/// <summary>Sends a vendor's token request and reads its answer defensively: capped size, JSON only, typed errors.</summary>
internal static class JsonTokenEndpoint
{
    public static async Task<TokenSet> SendAsync(HttpClient client, HttpRequestMessage request, string providerName, TokenResponseShape shape,
        TimeProvider time, TimeSpan defaultLifetime, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
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

    public static TokenSet ToTokenSet(JsonElement root, TokenResponseShape shape, string providerName, HttpStatusCode status, DateTimeOffset now, TimeSpan defaultLifetime)
    {
        if (String(root, shape.AccessToken) is not { Length: > 0 } accessToken)
        {
            throw new TokenRequestException(providerName, status, String(root, shape.Error), String(root, shape.ErrorDescription),
                $"The token endpoint's answer carried no {shape.AccessToken}");
        }

        return new TokenSet
        {
            AccessToken = accessToken,
            TokenType = String(root, shape.TokenType) ?? "Bearer",
            ExpiresAt = JwtExpiry.Resolve(accessToken, Seconds(root, shape.ExpiresIn), now, defaultLifetime),
            RefreshToken = String(root, shape.RefreshToken) is { Length: > 0 } refresh ? refresh : null,
            RefreshTokenExpiresAt = Seconds(root, shape.RefreshExpiresIn) is { } seconds and > 0 ? now.AddSeconds(seconds) : null,
            Scope = String(root, shape.Scope),
            IdentityToken = String(root, "id_token"),
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

    private static TokenRequestException TooLarge(string providerName, HttpStatusCode status) =>
        new(providerName, status, null, null, $"The token endpoint's answer is larger than {TokenClientsHttp.MaxResponseBytes} bytes");

    public static string? ReadString(JsonElement root, string name) => String(root, name);

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
