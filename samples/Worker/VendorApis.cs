using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using TokenClients;

namespace Worker;

/// <summary>What a vendor's API answered.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Subject">Whose token the API accepted, when it says.</param>
internal sealed record ApiAnswer(int Status, string? Subject)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// A typed client of one vendor's API: its HttpClient carries that vendor's <see cref="TokenHandler"/>, so every
/// request goes out with a fresh token and is resent once with a new one after a 401.
/// </summary>
internal abstract class VendorApi(HttpClient http, IOptions<ApiEndpoints> endpoints, string vendor)
{
    protected ApiEndpoints Endpoints => endpoints.Value;

    /// <summary>Gets the token context of each request; <see langword="null"/> for the provider's own token.</summary>
    protected virtual TokenContext? Context => null;

    public async Task<ApiAnswer> GetAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoints.Value.Urls[vendor]);
        if (Context is { } context)
        {
            request.WithTokenContext(context);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json"
            ? await response.Content.ReadFromJsonAsync(WorkerJson.Default.ApiBody, cancellationToken)
            : null;
        return new ApiAnswer((int)response.StatusCode, body?.Subject);
    }
}

internal sealed class MluviiApi(HttpClient http, IOptions<ApiEndpoints> endpoints) : VendorApi(http, endpoints, "mluvii");

internal sealed class MoodHoodApi(HttpClient http, IOptions<ApiEndpoints> endpoints) : VendorApi(http, endpoints, "moodhood");

internal sealed class TelmaiApi(HttpClient http, IOptions<ApiEndpoints> endpoints) : VendorApi(http, endpoints, "telmai");

internal sealed class OliApi(HttpClient http, IOptions<ApiEndpoints> endpoints) : VendorApi(http, endpoints, "oli");

/// <summary>JustLogin's API: every request names the connected user whose token it carries.</summary>
internal sealed class JustLoginApi(HttpClient http, IOptions<ApiEndpoints> endpoints) : VendorApi(http, endpoints, "justlogin")
{
    public string Subject => Endpoints.JustLoginSubject!;

    protected override TokenContext? Context => TokenContext.ForSubject(Subject);
}

/// <summary>The <c>Apis</c> section: each vendor's endpoint, and the connected JustLogin user.</summary>
internal sealed class ApiEndpoints
{
    public static readonly string[] Vendors = ["mluvii", "moodhood", "telmai", "oli", "justlogin"];

    public Dictionary<string, Uri> Urls { get; } = new(StringComparer.Ordinal);

    public string? JustLoginSubject { get; private set; }

    public List<string> Problems { get; } = [];

    public void Read(IConfigurationSection apis)
    {
        foreach (var vendor in Vendors)
        {
            if (Uri.TryCreate(apis[$"{vendor}:Url"], UriKind.Absolute, out var url))
            {
                Urls[vendor] = url;
            }
            else
            {
                Problems.Add($"Apis:{vendor}:Url must be the absolute URL of a protected GET endpoint of the vendor's API.");
            }
        }

        JustLoginSubject = apis["justlogin:Subject"];
        if (string.IsNullOrEmpty(JustLoginSubject))
        {
            Problems.Add("Apis:justlogin:Subject must name the connected user whose token the worker uses.");
        }
    }

    /// <summary>The origin of a vendor's API, or <see langword="null"/> when not configured (start-up reports that).</summary>
    public static Uri? Origin(IConfiguration configuration, string vendor) =>
        Uri.TryCreate(configuration[$"Apis:{vendor}:Url"], UriKind.Absolute, out var url) ? new Uri(url.GetLeftPart(UriPartial.Authority)) : null;
}

/// <summary>Fails start-up with every problem of the <c>Apis</c> section.</summary>
internal sealed class ApiEndpointsValidator : IValidateOptions<ApiEndpoints>
{
    public ValidateOptionsResult Validate(string? name, ApiEndpoints options) =>
        options.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Problems);
}

/// <summary>The emulated APIs' answer: <c>{"ok": true, "subject": "…"}</c>.</summary>
internal sealed record ApiBody([property: JsonPropertyName("subject")] string? Subject);

[JsonSerializable(typeof(ApiBody))]
internal sealed partial class WorkerJson : JsonSerializerContext;
