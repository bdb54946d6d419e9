using System.Net;
using Microsoft.Extensions.Time.Testing;
using TokenClients.OAuth2;

namespace TokenClients.Tests.SignIn;

public sealed partial class DeviceCodeFlowTests
{
    /// <summary>A fake clock that counts the timers created on it: the flow's waits, one per poll.</summary>
    private sealed class TimerCountingTime(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    /// <summary>A device authorization client whose polls answer a script of OAuth errors (<see langword="null"/>: tokens).</summary>
    private sealed class ScriptedDeviceClient(TimeProvider time) : IDeviceAuthorizationTokenClient
    {
        private readonly Queue<string?> _script = new();
        private string? _forever;
        private int _busy;

        public required DeviceAuthorizationAnswer Answer { get; set; }

        public List<DateTimeOffset> Polls { get; } = [];

        public List<string> DeviceCodesSent { get; } = [];

        public int Busy => Volatile.Read(ref _busy);

        /// <summary>Awaited by every poll before it answers, so a test can hold one in flight.</summary>
        public Task Gate { get; set; } = Task.CompletedTask;

        public bool CanRefresh => true;

        public bool RequiresInteraction => true;

        public void Script(params string?[] answers)
        {
            foreach (var answer in answers)
            {
                _script.Enqueue(answer);
            }
        }

        public void Forever(string error) => _forever = error;

        public Task<DeviceAuthorizationAnswer> AuthorizeDeviceAsync(CancellationToken cancellationToken) => Task.FromResult(Answer);

        public async Task<TokenSet> PollAsync(string deviceCode, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _busy);
            try
            {
                lock (Polls)
                {
                    Polls.Add(time.GetUtcNow());
                    DeviceCodesSent.Add(deviceCode);
                }

                await Gate.WaitAsync(cancellationToken);
                var error = _forever ?? (_script.TryDequeue(out var next) ? next : "authorization_pending");
                return error is null
                    ? new TokenSet { AccessToken = "device-access-" + Polls.Count, RefreshToken = "device-refresh", ExpiresAt = time.GetUtcNow() + TimeSpan.FromHours(1) }
                    : throw new TokenRequestException("tv", HttpStatusCode.BadRequest, error, null);
            }
            finally
            {
                Interlocked.Decrement(ref _busy);
            }
        }

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) => throw new InteractionRequiredException();

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
