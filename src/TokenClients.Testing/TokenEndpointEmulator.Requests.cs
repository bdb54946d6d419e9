using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;


namespace TokenClients.Testing;

/// <summary>How an emulator reads the requests it receives.</summary>
public abstract partial class TokenEndpointEmulator
{
    /// <summary>Reads a Bearer token from the Authorization header (scheme case-insensitive).</summary>
    /// <param name="headers">The request headers.</param>
    /// <returns>The token, or <see langword="null"/>.</returns>
    protected static string? BearerToken(IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return headers.TryGetValue("Authorization", out var value) && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? value["Bearer ".Length..].Trim()
            : null;
    }

    /// <summary>Whether the request's content type is <paramref name="mediaType"/> (parameters ignored).</summary>
    /// <param name="request">The request.</param>
    /// <param name="mediaType">The media type.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    protected static bool HasContentType(RecordedRequest request, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType is { } type && type.Split(';')[0].Trim().Equals(mediaType, StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<RecordedRequest> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var (key, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body))
            {
                form[key] = value.ToString();
            }
        }

        var json = new Dictionary<string, string>(StringComparer.Ordinal);
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
                        {
                            json[property.Name] = property.Value.ToString();
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Recorded with an empty Json map; the handler answers the error.
            }
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in request.Headers)
        {
            headers[key] = value.ToString();
        }

        var query = request.Query.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal);
        var grant = form.GetValueOrDefault("grant_type") ?? json.GetValueOrDefault("grant_type") ?? query.GetValueOrDefault("grantType");
        return new RecordedRequest(request.Method, request.Path.Value ?? "/", request.QueryString.Value ?? string.Empty, query, headers,
            request.ContentType, body, form, json, grant, 0, TimeProvider.System.GetUtcNow());
    }
}
