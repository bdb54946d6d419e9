using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenClients.IntegrationTests.Support;

/// <summary>
/// A scripted HTTP/1.1 server on a raw socket (127.0.0.1, port 0): one request per connection, and a script that
/// decides what the wire shows — a whole answer, headers then a stall, a slow drip, a truncated body, a late answer,
/// a redirect. Every request received is recorded. Disposing stops the listener and releases every stalled script.
/// </summary>
internal sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawRequest, RawResponder, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RawRequest> _requests = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;

    private RawHttpServer(Func<RawRequest, RawResponder, Task> script)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Gets the server's address, ending in a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the origin (<c>scheme://host:port</c>) of the server.</summary>
    public string Origin => BaseAddress.GetLeftPart(UriPartial.Authority);

    /// <summary>Gets every request received so far, in order.</summary>
    public IReadOnlyList<RawRequest> Requests => [.. _requests];

    /// <summary>Starts a server that answers every request with <paramref name="script"/>.</summary>
    /// <param name="script">Writes the answer; the connection closes when it returns.</param>
    /// <returns>The running server.</returns>
    public static RawHttpServer Start(Func<RawRequest, RawResponder, Task> script) => new(script);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await Task.WhenAll([_accepting, .. _connections]).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // Connections end however they end; the test has its answer already.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = await RawRequest.ReadAsync(stream, _stop.Token);
                if (request is null)
                {
                    return;
                }

                _requests.Enqueue(request);
                await _script(request, new RawResponder(stream, _stop.Token));
                await stream.FlushAsync(_stop.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // The client went away or the server stopped: nothing to answer.
            }
        }
    }
}

/// <summary>One request as the raw server read it.</summary>
internal sealed class RawRequest
{
    private RawRequest(string method, string target, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Target = target;
        Headers = headers;
        Body = body;
    }

    /// <summary>Gets the method.</summary>
    public string Method { get; }

    /// <summary>Gets the request target: path and query.</summary>
    public string Target { get; }

    /// <summary>Gets the path, without the query.</summary>
    public string Path => Target.Split('?')[0];

    /// <summary>Gets the headers, by name in any case.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the body as text.</summary>
    public string Body { get; }

    /// <summary>Gets a form field of the body, or <see langword="null"/>.</summary>
    /// <param name="name">The field name.</param>
    /// <returns>The decoded value.</returns>
    public string? Form(string name)
    {
        foreach (var pair in Body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (WebUtility.UrlDecode(parts[0]) == name)
            {
                return parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : string.Empty;
            }
        }

        return null;
    }

    internal static async Task<RawRequest?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new List<byte>();
        var chunk = new byte[4096];
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd(buffer)) < 0)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            buffer.AddRange(chunk.AsSpan(0, read));
        }

        var head = Encoding.ASCII.GetString([.. buffer.Take(headerEnd)]).Split("\r\n");
        var start = head[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var length = headers.TryGetValue("Content-Length", out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : 0;
        var body = buffer.Skip(headerEnd + 4).ToList();
        while (body.Count < length)
        {
            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                break;
            }

            body.AddRange(chunk.AsSpan(0, read));
        }

        return new RawRequest(start[0], start.Length > 1 ? start[1] : "/", headers, Encoding.UTF8.GetString([.. body]));
    }

    private static int IndexOfHeaderEnd(List<byte> buffer)
    {
        for (var i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Writes an answer, or part of one, on the raw connection.</summary>
internal sealed class RawResponder(Stream stream, CancellationToken stopping)
{
    /// <summary>Writes a whole answer with its length.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="body">The body, JSON unless <paramref name="contentType"/> says otherwise.</param>
    /// <param name="contentType">The content type.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task AnswerAsync(int status, string body, string contentType = "application/json")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        await HeadersAsync(status, bytes.Length, contentType);
        await stream.WriteAsync(bytes, stopping);
    }

    /// <summary>Writes the status line and headers only; the body (of <paramref name="contentLength"/> bytes) is up to the script.</summary>
    /// <param name="status">The status code.</param>
    /// <param name="contentLength">The declared length.</param>
    /// <param name="contentType">The content type.</param>
    /// <param name="extraHeaders">More header lines, such as <c>Location: …</c>.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task HeadersAsync(int status, long contentLength, string contentType = "application/json", params string[] extraHeaders)
    {
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Type: {contentType}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength}\r\n")
            .Append("Connection: close\r\n");
        foreach (var header in extraHeaders)
        {
            head.Append(header).Append("\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), stopping);
        await stream.FlushAsync(stopping);
    }

    /// <summary>Writes part of a body.</summary>
    /// <param name="text">The bytes, as text.</param>
    /// <returns>A task that completes when written.</returns>
    public async Task WriteAsync(string text)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), stopping);
        await stream.FlushAsync(stopping);
    }

    /// <summary>Writes <paramref name="text"/> one byte at a time, <paramref name="interval"/> apart.</summary>
    /// <param name="text">The bytes, as text.</param>
    /// <param name="interval">The pause between bytes.</param>
    /// <returns>A task that completes when all is written.</returns>
    public async Task DripAsync(string text, TimeSpan interval)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            await stream.WriteAsync(new[] { b }, stopping);
            await stream.FlushAsync(stopping);
            await Task.Delay(interval, TimeProvider.System, stopping);
        }
    }

    /// <summary>Writes a redirect to <paramref name="location"/>.</summary>
    /// <param name="status">The redirect status (301, 302, 303, 307, 308).</param>
    /// <param name="location">The target.</param>
    /// <returns>A task that completes when written.</returns>
    public Task RedirectAsync(int status, Uri location) => HeadersAsync(status, 0, "text/plain", $"Location: {location.AbsoluteUri}");

    /// <summary>Waits <paramref name="delay"/> (ends early when the server stops).</summary>
    /// <param name="delay">How long.</param>
    /// <returns>A task that completes after the delay.</returns>
    public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, TimeProvider.System, stopping);

    /// <summary>Holds the connection open without writing until the server stops.</summary>
    /// <returns>A task that completes when the server stops.</returns>
    public Task StallAsync() => Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, stopping);
}
