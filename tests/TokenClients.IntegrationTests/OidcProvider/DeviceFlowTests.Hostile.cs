using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenClients.IntegrationTests.OidcProvider;

public sealed partial class DeviceFlowTests
{
    [Fact]
    public async Task A_token_endpoint_that_stalls_mid_poll_fails_the_sign_in_with_a_typed_error_within_the_timeouts()
    {
        using var stalled = new StalledServer();
        var (flow, _) = Start(o => (o.TokenEndpoint, o.DeviceAuthorizationEndpoint) = (stalled.Address, server.DeviceAuthorizationEndpoint), p => p.ConfigureResilience(r =>
        {
            r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(1);
            r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(3);
            r.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(3);
            r.Retry.Delay = TimeSpan.FromMilliseconds(10);
        }));
        var authorization = await flow.StartAsync("erin").WaitAsync(Bound);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(authorization).WaitAsync(Bound));

        Assert.IsNotType<DeviceCodeFlowException>(error);
        Assert.Null(error.StatusCode);
        Assert.True(stalled.Connections >= 1);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Cancelling_while_a_poll_hangs_ends_the_sign_in_at_once()
    {
        using var stalled = new StalledServer();
        var (flow, _) = Start(o => (o.TokenEndpoint, o.DeviceAuthorizationEndpoint) = (stalled.Address, server.DeviceAuthorizationEndpoint));
        var authorization = await flow.StartAsync("frank").WaitAsync(Bound);
        using var cancel = new CancellationTokenSource();

        var completing = flow.CompleteAsync(authorization, cancel.Token);
        using (var wait = new CancellationTokenSource(Bound))
        {
            while (stalled.Connections == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, wait.Token);
            }
        }

        var clock = Stopwatch.StartNew();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => completing.WaitAsync(Bound));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), clock.Elapsed.ToString());
    }

    /// <summary>A loopback server that accepts connections and reads, but never answers; it stops when disposed.</summary>
    private sealed class StalledServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private int _connections;

        public StalledServer()
        {
            _listener.Start();
            _ = AcceptAsync();
        }

        public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/token");

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _listener.Stop();
            lock (_clients)
            {
                _clients.ForEach(c => c.Dispose());
            }
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref _connections);
                    lock (_clients)
                    {
                        _clients.Add(client);
                    }
                }
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Stopped.
            }
        }
    }
}
