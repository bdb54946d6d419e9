using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TokenClients.IntegrationTests.Support;

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
