using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Caching;

/// <summary>Sign-outs travel between instances encrypted, reach only the named provider's user, and never fail a sign-out.</summary>
public sealed class SharedSignOutsTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly InMemoryTokenStore _store = new();
    private readonly OneTimeRefreshClient _server;
    private readonly SharedPayload _payload = new(new AesProtector());
    private readonly List<TokenProvider> _providers = [];

    public SharedSignOutsTests() => _server = new OneTimeRefreshClient(_time) { RequiresInteraction = true };

    public void Dispose() => _providers.ForEach(p => p.Dispose());

    [Fact]
    public async Task Sign_out_published_by_one_instance_makes_the_other_forget_only_that_user()
    {
        var channel = new LoopbackChannel();
        var here = Create(new SharedSignOuts(channel, _payload, NullLogger.Instance));
        var there = Create(new SharedSignOuts(channel, _payload, NullLogger.Instance));
        await _store.SetAsync("test", "alice", _server.SignIn());
        await _store.SetAsync("test", "bob", _server.SignIn());
        var bobs = await there.GetTokenAsync(TokenContext.ForSubject("bob"));
        await there.GetTokenAsync(TokenContext.ForSubject("alice"));
        await _store.RemoveAsync("test", "alice");

        await here.ForgetSubjectEverywhereAsync("alice", CancellationToken.None);

        Assert.Single(channel.Published);
        Assert.Equal(-1, channel.Published[0].AsSpan().IndexOf("alice"u8)); // encrypted: the user id does not travel in clear
        await Assert.ThrowsAsync<InteractionRequiredException>(() => there.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask());
        Assert.Equal(bobs, await there.GetTokenAsync(TokenContext.ForSubject("bob")));
    }

    [Fact]
    public async Task Channel_that_is_down_fails_neither_the_sign_out_nor_the_local_forgetting_and_is_logged()
    {
        var logs = new ListLogger();
        var provider = Create(new SharedSignOuts(new LoopbackChannel { Down = true }, _payload, logs));
        await _store.SetAsync("test", "alice", _server.SignIn());
        await provider.GetTokenAsync(TokenContext.ForSubject("alice"));
        await _store.RemoveAsync("test", "alice");

        await provider.ForgetSubjectEverywhereAsync("alice", CancellationToken.None);

        await Assert.ThrowsAsync<InteractionRequiredException>(() => provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask());
        Assert.Contains(102, logs.EventIds);
    }

    [Fact]
    public async Task Subscription_that_fails_at_start_is_tried_again_and_later_sign_outs_reach_the_instance()
    {
        var channel = new LoopbackChannel();
        var here = Create(new SharedSignOuts(channel, _payload, NullLogger.Instance, _time));
        channel.FailedSubscriptions = 2;
        var logs = new ListLogger();
        using var thereSignOuts = new SharedSignOuts(channel, _payload, logs, _time);
        var there = Create(thereSignOuts);
        await _store.SetAsync("test", "alice", _server.SignIn());
        await there.GetTokenAsync(TokenContext.ForSubject("alice"));

        // The retries wait on the fake clock; each round gives the retry's continuation a bounded moment to run.
        for (var round = 0; round < 20 && channel.SubscriberCount < 2; round++)
        {
            _time.Advance(SharedSignOuts.MaxSubscribeRetryDelay);
            await Task.WhenAny(channel.Subscribed.Task, Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System));
        }

        await _store.RemoveAsync("test", "alice");
        await here.ForgetSubjectEverywhereAsync("alice", CancellationToken.None);

        await Assert.ThrowsAsync<InteractionRequiredException>(() => there.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask());
        Assert.Equal(2, logs.EventIds.Count(id => id == 103));
    }

    private TokenProvider Create(SharedSignOuts signOuts)
    {
        var provider = new TokenProvider("test", _server, new TokenProviderOptions(), _time, NullLogger.Instance, _store) { SignOuts = signOuts };
        signOuts.Register(provider);
        _providers.Add(provider);
        return provider;
    }

    private sealed class LoopbackChannel : ISharedSignOutChannel
    {
        private readonly List<Action<byte[]>> _subscribers = [];

        public bool Down { get; init; }

        public List<byte[]> Published { get; } = [];

        public ValueTask PublishAsync(byte[] message, CancellationToken cancellationToken = default)
        {
            if (Down)
            {
                return ValueTask.FromException(new IOException("The channel is down."));
            }

            Published.Add(message);
            _subscribers.ForEach(s => s(message));
            return ValueTask.CompletedTask;
        }

        public int FailedSubscriptions { get; set; }

        public int SubscriberCount => _subscribers.Count;

        public TaskCompletionSource Subscribed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask SubscribeAsync(Action<byte[]> onMessage, CancellationToken cancellationToken = default)
        {
            if (FailedSubscriptions > 0)
            {
                FailedSubscriptions--;
                return ValueTask.FromException(new IOException("The channel is not reachable yet."));
            }

            _subscribers.Add(onMessage);
            if (_subscribers.Count == 2)
            {
                Subscribed.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<int> EventIds { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            EventIds.Add(eventId.Id);
    }

    /// <summary>Encrypts for real (AES-GCM, one random key): what travels on the channel is ciphertext.</summary>
    private sealed class AesProtector : IDataProtector
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

        public IDataProtector CreateProtector(string purpose) => this;

        public byte[] Protect(byte[] plaintext)
        {
            var sealedData = new byte[12 + 16 + plaintext.Length];
            RandomNumberGenerator.Fill(sealedData.AsSpan(0, 12));
            using var aes = new AesGcm(_key, 16);
            aes.Encrypt(sealedData.AsSpan(0, 12), plaintext, sealedData.AsSpan(28), sealedData.AsSpan(12, 16));
            return sealedData;
        }

        public byte[] Unprotect(byte[] protectedData)
        {
            var plaintext = new byte[protectedData.Length - 28];
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(protectedData.AsSpan(0, 12), protectedData.AsSpan(28), protectedData.AsSpan(12, 16), plaintext);
            return plaintext;
        }
    }
}
