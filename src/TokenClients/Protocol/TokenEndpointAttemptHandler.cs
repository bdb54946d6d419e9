namespace TokenClients.Diagnostics;

/// <summary>
/// Sits inside the resilience pipeline of a provider's token endpoint HttpClient: every attempt of a token request
/// (retries included; discovery and its key set are not token requests) is counted on the request's
/// <see cref="TokenRequestScope"/>, with the provider's client kind and the endpoint's host and port.
/// </summary>
/// <param name="kind">The provider's token client kind, or <see langword="null"/> when none was chosen.</param>
internal sealed class TokenEndpointAttemptHandler(string? kind) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        TokenClientsDiagnostics.RecordAttempt(kind, request.RequestUri);
        return base.SendAsync(request, cancellationToken);
    }
}
