using System.Collections.Concurrent;
using System.Text.Json;
using System.Web;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// A primary handler that sends for real and collects, from what crossed the wire, every secret a leak test must search
/// for: client assertions (and their signatures), codes, refresh and access tokens in request bodies, and the tokens of
/// every answer.
/// </summary>
/// <param name="inner">The handler that connects.</param>
/// <param name="seen">Where the secrets go, shared by the handlers of several clients; a new queue when not given.</param>
internal sealed class WireSecrets(HttpMessageHandler inner, ConcurrentQueue<(string Kind, string Secret)>? seen = null) : DelegatingHandler(inner)
{
    private static readonly string[] RequestFields = ["client_assertion", "client_secret", "code", "code_verifier", "refresh_token", "token"];
    private static readonly string[] ResponseFields = ["access_token", "refresh_token", "id_token"];

    /// <summary>Gets each secret seen, with its kind.</summary>
    public ConcurrentQueue<(string Kind, string Secret)> Seen { get; } = seen ?? new();

    /// <summary>Gets how many of a kind were seen.</summary>
    public int Count(string kind) => Seen.Count(s => s.Kind == kind);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            var form = HttpUtility.ParseQueryString(await content.ReadAsStringAsync(cancellationToken));
            foreach (var field in RequestFields)
            {
                if (form[field] is { Length: > 0 } value)
                {
                    Seen.Enqueue((field, value));
                    if (field == "client_assertion")
                    {
                        Seen.Enqueue(("client_assertion signature", value[(value.LastIndexOf('.') + 1)..]));
                    }
                }
            }
        }

        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        try
        {
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            foreach (var field in ResponseFields)
            {
                if (answer.RootElement.ValueKind == JsonValueKind.Object && answer.RootElement.TryGetProperty(field, out var value) && value.GetString() is { Length: > 0 } text)
                {
                    Seen.Enqueue((field, text));
                }
            }
        }
        catch (JsonException)
        {
            // Not a JSON answer (a redirect, an empty revocation answer).
        }

        return response;
    }
}
