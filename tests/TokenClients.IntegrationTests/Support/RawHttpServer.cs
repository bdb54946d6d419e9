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
