using System.Net;

namespace TokenClients;

/// <summary>
/// Caps what a token endpoint may answer at <see cref="TokenClientsHttp.MaxResponseBytes"/>: a larger body is refused
/// with its status code kept, so every token client reports it the same way.
/// </summary>
internal sealed class ResponseSizeLimitHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength <= TokenClientsHttp.MaxResponseBytes)
        {
            return response;
        }

        try
        {
            if (response.Content.Headers.ContentLength > TokenClientsHttp.MaxResponseBytes)
            {
                throw new ResponseTooLargeException(response.StatusCode);
            }

            // No declared length: read up to the cap and hand on the buffered body.
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
}

/// <summary>A token endpoint answered more than <see cref="TokenClientsHttp.MaxResponseBytes"/>.</summary>
internal sealed class ResponseTooLargeException : HttpRequestException
{
    public ResponseTooLargeException(HttpStatusCode statusCode)
        : base($"The answer is larger than {TokenClientsHttp.MaxResponseBytes} bytes.", null, statusCode)
    {
    }

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
}
