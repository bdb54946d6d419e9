using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>
/// A hostile token endpoint on 127.0.0.1 at a free port: it either stalls the TLS handshake (accepts the connection,
/// reads, never answers), or completes the handshake, asking for a client certificate, and answers only after the client
/// gave up. It records the client certificates it saw. Disposing stops it and every connection.
/// </summary>
internal sealed class HostileTlsServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly X509Certificate2 _certificate;
    private readonly bool _stallHandshake;
    private readonly Task _accepting;
    private int _accepted;

    public HostileTlsServer(X509Certificate2 certificate, bool stallHandshake)
    {
        _certificate = certificate;
        _stallHandshake = stallHandshake;
        _listener.Start();
        TokenEndpoint = new Uri($"https://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/token");
        _accepting = AcceptAsync();
    }

    public Uri TokenEndpoint { get; }

    /// <summary>Gets how many connections were accepted.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Gets the SHA-256 thumbprints of the client certificates presented in completed handshakes.</summary>
    public ConcurrentQueue<string> ClientCertificates { get; } = new();

    /// <summary>Gets a task that completes when a client closed a connection whose request was never answered.</summary>
    public TaskCompletionSource GaveUp { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            // Connections end however they end.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        for (var i = 0; i < 32 && !_stop.IsCancellationRequested; i++)
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

            Interlocked.Increment(ref _accepted);
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var connection = client;
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        try
        {
            if (_stallHandshake)
            {
                // Swallow the ClientHello and whatever follows; never send a byte back.
                while (await stream.ReadAsync(buffer, _stop.Token) > 0)
                {
                }

                return;
            }

            await using var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _certificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null, // self-signed: recorded, not judged
            }, _stop.Token);
            if (tls.RemoteCertificate is { } presented)
            {
                ClientCertificates.Enqueue(System.Buffers.Text.Base64Url.EncodeToString(presented.GetCertHash(HashAlgorithmName.SHA256)));
            }

            // Read the request, then say nothing until the client gives up and closes the connection.
            while (await tls.ReadAsync(buffer, _stop.Token) > 0)
            {
            }

            GaveUp.TrySetResult();
        }
        catch (Exception)
        {
            // A client that gave up mid-handshake, or the server stopping.
            if (!_stop.IsCancellationRequested && !_stallHandshake)
            {
                GaveUp.TrySetResult();
            }
        }
    }
}
