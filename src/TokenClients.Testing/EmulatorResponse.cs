using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TokenClients.Testing;

/// <summary>An emulator's answer: a status, a JSON body written without reflection, and the grant it served.</summary>
public sealed class EmulatorResponse
{
    private readonly Action<Utf8JsonWriter>? _writeBody;

    private EmulatorResponse(int statusCode, Action<Utf8JsonWriter>? writeBody, string? grantType)
    {
        StatusCode = statusCode;
        _writeBody = writeBody;
        GrantType = grantType;
    }

    /// <summary>Gets the status code.</summary>
    public int StatusCode { get; }

    /// <summary>Gets the grant the answer served, for the journal.</summary>
    public string? GrantType { get; }

    /// <summary>Gets extra response headers.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>An answer with a JSON object body.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="writeProperties">Writes the object's properties.</param>
    /// <param name="grantType">The grant served.</param>
    /// <returns>The answer.</returns>
    public static EmulatorResponse Json(int statusCode, Action<Utf8JsonWriter> writeProperties, string? grantType = null) => new(statusCode, writeProperties, grantType);

    /// <summary>The standard OAuth2 error answer (RFC 6749 section 5.2).</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="error">The error code.</param>
    /// <param name="description">The description.</param>
    /// <returns>The answer.</returns>
    public static EmulatorResponse OAuthError(int statusCode, string error, string? description = null) => new(statusCode, json =>
    {
        json.WriteString("error", error);
        if (description is not null)
        {
            json.WriteString("error_description", description);
        }
    }, null);

    /// <summary>An answer without a body.</summary>
    /// <param name="statusCode">The status.</param>
    /// <returns>The answer.</returns>
    public static EmulatorResponse Empty(int statusCode) => new(statusCode, null, null);

    internal async Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        foreach (var (name, value) in Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (_writeBody is null)
        {
            return;
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var json = new Utf8JsonWriter(context.Response.Body);
        await using (json.ConfigureAwait(false))
        {
            json.WriteStartObject();
            _writeBody(json);
            json.WriteEndObject();
            await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }
    }
}
