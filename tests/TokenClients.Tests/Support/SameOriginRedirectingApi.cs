using System.Net;

namespace TokenClients.Tests.Support;

/// <summary>
/// Behaves like SocketsHttpHandler in front of a server that answers /old with a redirect to /new on the same origin:
/// the redirect drops the Authorization header, and /new answers 401 to a request without one.
/// </summary>
public sealed class SameOriginRedirectingApi : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath == "/old")
        {
            request.RequestUri = new Uri("https://api.example/new");
            request.Headers.Authorization = null;
        }

        var status = request.Headers.Authorization is null ? HttpStatusCode.Unauthorized : HttpStatusCode.OK;
        return Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request });
    }
}
