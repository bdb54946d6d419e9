using System.Net;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>
/// The innermost handler of a token endpoint HttpClient: reads the whole answer into memory within the attempt, with
/// the attempt's cancellation token, so the attempt and total timeouts cover the body as well as the headers (a server
/// that sends headers and then stalls cannot hold a token request forever). An answer over
/// <see cref="TokenClientsHttp.MaxResponseBytes"/> is refused with a <see cref="ResponseTooLargeException"/>, which no
/// retry strategy treats as transient; a body cut short fails as <see cref="HttpRequestError.ResponseEnded"/>.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            if (response.Content.Headers.ContentLength > TokenClientsHttp.MaxResponseBytes)
            {
                throw new ResponseTooLargeException(response.StatusCode);
            }

            var body = await ReadCappedAsync(response, cancellationToken).ConfigureAwait(false);
            var buffered = new ByteArrayContent(body);
            foreach (var (name, values) in response.Content.Headers)
            {
                buffered.Headers.TryAddWithoutValidation(name, values);
            }

            response.Content.Dispose();
            response.Content = buffered;
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
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
                        throw new ResponseTooLargeException(response.StatusCode);
                    }

                    buffer.Write(chunk, 0, read);
                }

                return buffer.ToArray();
            }
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new HttpRequestException(HttpRequestError.ResponseEnded, TokenEndpointFailure.Truncated, exception, response.StatusCode);
        }
    }
}

/// <summary>A token endpoint answered more than <see cref="TokenClientsHttp.MaxResponseBytes"/>. Not an <see cref="HttpRequestException"/>: never retried.</summary>
internal sealed class ResponseTooLargeException : Exception
{
    public ResponseTooLargeException(HttpStatusCode statusCode)
        : base($"The answer is larger than {TokenClientsHttp.MaxResponseBytes} bytes.") => StatusCode = statusCode;

    public ResponseTooLargeException()
    {
    }

    public ResponseTooLargeException(string message)
        : base(message)
    {
    }

    public ResponseTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode? StatusCode { get; }
}
