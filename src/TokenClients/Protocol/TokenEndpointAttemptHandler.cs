namespace TokenClients.Diagnostics;

/// <summary>
/// Sits inside the resilience pipeline of a provider's token endpoint HttpClient: every attempt (retries included)
/// is counted on the current token request's span, which it also tags with the provider's client kind.
/// </summary>
/// <param name="kind">The provider's token client kind, or <see langword="null"/> when none was chosen.</param>
internal sealed class TokenEndpointAttemptHandler(string? kind) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TokenClientsDiagnostics.RecordAttempt(kind);
        return base.SendAsync(request, cancellationToken);
    }
}
