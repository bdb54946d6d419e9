using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace TokenClients.Tests.Caching;

/// <summary>The stand-ins of the shared cache tests: an in-process lock, a distributed cache in memory, a tagging Data Protection.</summary>
public sealed partial class SharedCacheSafetyTests
{
    /// <summary>A lock shared by the instances of this process, expiring on its clock like a Redis lock.</summary>
    private sealed class InProcessTokenLock(TimeProvider time) : ITokenLock
    {
        private readonly ConcurrentDictionary<string, (string Owner, DateTimeOffset Until)> _locks = new();

        public int Held => _locks.Count(l => l.Value.Until > time.GetUtcNow());

        public ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, TimeSpan lifetime, CancellationToken cancellationToken = default)
        {
            var owner = Guid.NewGuid().ToString("N");
            var now = time.GetUtcNow();
            var entry = _locks.AddOrUpdate(key, (owner, now + lifetime), (_, held) => held.Until <= now ? (owner, now + lifetime) : held);
            return ValueTask.FromResult<IAsyncDisposable?>(entry.Owner == owner ? new Lease(this, key, owner) : null);
        }

        private sealed class Lease(InProcessTokenLock owner, string key, string id) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                if (owner._locks.TryGetValue(key, out var held) && held.Owner == id)
                {
                    owner._locks.TryRemove(new KeyValuePair<string, (string, DateTimeOffset)>(key, held));
                }

                return ValueTask.CompletedTask;
            }
        }
    }

    /// <summary>A distributed cache in memory that can hold reads so that two readers overlap, as on a network.</summary>
    private sealed class DictionaryCache : IDistributedCache
    {
        private readonly ConcurrentDictionary<string, byte[]> _entries = new();
        private TaskCompletionSource? _race;
        private int _racing;

        public IReadOnlyCollection<string> Keys => [.. _entries.Keys];

        /// <summary>The next two reads wait for each other (or a moment, when the second never comes).</summary>
        public void HoldReadsForRace()
        {
            _racing = 0;
            _race = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public byte[]? Get(string key) => _entries.GetValueOrDefault(key);

        public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            if (_race is { } race && key.Contains(":store:", StringComparison.Ordinal))
            {
                if (Interlocked.Increment(ref _racing) >= 2)
                {
                    _race = null;
                    race.TrySetResult();
                }

                try
                {
                    await race.Task.WaitAsync(TimeSpan.FromMilliseconds(300), TimeProvider.System, token);
                }
                catch (TimeoutException)
                {
                    // The other reader was kept out: go on alone.
                }
            }

            return Get(key);
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => _entries[key] = value;

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => _entries.TryRemove(key, out _);

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }
    }

    /// <summary>Data Protection stand-in: tags payloads with their purpose (real encryption is exercised by the Redis tests).</summary>
    private sealed class TaggingDataProtection(string path = "") : IDataProtector
    {
        public static readonly TaggingDataProtection Instance = new();

        private readonly string _path = path;

        public IDataProtector CreateProtector(string purpose) => new TaggingDataProtection(_path + "/" + purpose);

        public byte[] Protect(byte[] plaintext) => [.. System.Text.Encoding.UTF8.GetBytes(_path + "|"), .. plaintext];

        public byte[] Unprotect(byte[] protectedData)
        {
            var tag = System.Text.Encoding.UTF8.GetBytes(_path + "|");
            return protectedData.AsSpan().StartsWith(tag) ? protectedData[tag.Length..] : throw new CryptographicException("Not protected with this purpose.");
        }
    }
}
