using System.Collections.Concurrent;

namespace TokenClients.Testing;

/// <summary>A request an emulator received at its token or authorize endpoint, with the status it answered.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path.</param>
/// <param name="QueryString">The raw query string, with its leading <c>?</c>, or empty.</param>
/// <param name="Query">The query parameters.</param>
/// <param name="Headers">The request headers (case-insensitive names).</param>
/// <param name="ContentType">The content type, if any.</param>
/// <param name="Body">The body as text.</param>
/// <param name="Form">The form fields, when the body is form-encoded.</param>
/// <param name="Json">The top-level string and number fields, when the body is a JSON object.</param>
/// <param name="GrantType">The grant the emulator recognised, or <see langword="null"/>.</param>
/// <param name="StatusCode">The status the emulator answered.</param>
/// <param name="Timestamp">When it arrived, by the emulator's clock.</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string? ContentType,
    string Body,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Json,
    string? GrantType,
    int StatusCode,
    DateTimeOffset Timestamp)
{
    /// <summary>Describes the request without its parameters, which carry secrets.</summary>
    /// <returns>Method, path, grant and status.</returns>
    public override string ToString() => $"{Method} {Path} grant={GrantType ?? "none"} -> {StatusCode}";
}

/// <summary>The requests an emulator's token and authorize endpoints received, in order. Thread-safe.</summary>
public sealed class EmulatorJournal
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    /// <summary>Gets every recorded request, oldest first.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Gets the token endpoint requests (those with a recognised grant or a failure), oldest first.</summary>
    public IReadOnlyList<RecordedRequest> TokenRequests => [.. _requests.Where(r => r.Method == "POST")];

    /// <summary>Counts the token requests of one grant type that the emulator answered with 200.</summary>
    /// <param name="grantType">The grant type (<c>client_credentials</c>, <c>password</c>, <c>refresh_token</c>, …).</param>
    /// <returns>The count.</returns>
    public int CountGrant(string grantType) => _requests.Count(r => r.GrantType == grantType && r.StatusCode == 200);

    /// <summary>Forgets every recorded request.</summary>
    public void Clear() => _requests.Clear();

    internal void Add(RecordedRequest request) => _requests.Enqueue(request);
}
