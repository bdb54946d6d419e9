using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenClients.IntegrationTests.Support;

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
