using System.Net;
using System.Text.Json;
using TokenClients;

namespace Quickstart;

/// <summary>
/// What an application's typed client for a vendor's API looks like: a plain HttpClient whose pipeline holds the
/// TokenHandler, so no code here touches a token. Each vendor has its own subclass, registered with AddHttpClient.
/// </summary>
internal abstract class VendorApi(HttpClient http)
{
    /// <summary>GETs the protected endpoint (the client's BaseAddress) as the context's subject, if any.</summary>
    public async Task<ApiAnswer> GetAsync(TokenContext? context, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, http.BaseAddress);
        if (context is not null)
        {
            request.WithTokenContext(context);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        return new ApiAnswer(response.StatusCode, response.IsSuccessStatusCode ? await ReadSubjectAsync(response, cancellationToken) : null);
    }

    /// <summary>The emulators answer <c>{"ok":true,"subject":…}</c>; a real API answers its own JSON.</summary>
    private static async Task<string?> ReadSubjectAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("subject", out var subject)
                && subject.ValueKind == JsonValueKind.String
                    ? subject.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>The API's answer to one call.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Subject">Whose token the API saw, when it says so.</param>
internal sealed record ApiAnswer(HttpStatusCode Status, string? Subject)
{
    public bool Ok => (int)Status is >= 200 and < 300;
}
