using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenClients.OAuth2;

namespace TokenClients.Tests.Caching;

/// <summary>The protected store over its backends: a backend of the application's own, and pending sign-ins.</summary>
public sealed partial class SharedCacheSafetyTests
{
    [Fact]
    public async Task Signed_in_users_are_kept_in_a_backend_of_the_applications_own_under_keyed_keys_with_its_compare_and_set()
    {
        var backend = new DictionaryBackend();
        await using var services = SharedServices(new DictionaryCache(), tokenLock: null, add: s => s.AddTokenProvider("users", p => p.UseAuthorizationCode(UserOptions)),
            configure: null, backend: backend);
        var store = services.GetRequiredService<ITokenStore>();
        var first = Set("1");
        var second = Set("2");

        // Atomic by its contract: no lock needed for a provider of signed-in users.
        services.GetRequiredService<IStartupValidator>().Validate();
        await store.SetAsync("users", "alice", first);
        var (key, entry) = Assert.Single(backend.Entries);
        Assert.Matches("^tokenclients:store:[0-9a-f]{64}$", key);
        Assert.DoesNotContain("access-1", System.Text.Encoding.UTF8.GetString(entry.Version), StringComparison.Ordinal); // a hash, never a token

        Assert.False(await store.TryReplaceAsync("users", "alice", second, Set("3")));
        Assert.True(await store.TryReplaceAsync("users", "alice", first, second));
        Assert.Equal("access-2", (await store.GetAsync("users", "alice"))!.AccessToken);
        Assert.False(await store.TryRemoveAsync("users", "alice", first));
        Assert.True(await store.TryRemoveAsync("users", "alice", second));
        Assert.Empty(backend.Entries);
    }

    [Fact]
    public async Task Shared_pending_sign_in_copied_under_another_state_is_not_redeemed_and_its_own_is_redeemed_once()
    {
        var cache = new DictionaryCache();
        var tokenLock = new InProcessTokenLock(_time);
        PendingSignIns Instance() => new("users", _time, NullLogger.Instance, capacity: 10, cache, TaggingDataProtection.Instance, tokenLock, "tokenclients:");
        var starting = Instance();
        await starting.AddAsync("state-a", new PendingSignIn("alice", "verifier-a", _time.GetUtcNow().AddMinutes(5)), CancellationToken.None);
        await starting.AddAsync("state-b", new PendingSignIn("bob", "verifier-b", _time.GetUtcNow().AddMinutes(5)), CancellationToken.None);
        var keys = cache.Keys.Where(k => k.StartsWith("tokenclients:signin:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, keys.Count);
        var keyOfB = keys.Single(k => System.Text.Encoding.UTF8.GetString(cache.Get(k)!).Contains("bob", StringComparison.Ordinal));
        var keyOfA = keys.Single(k => k != keyOfB);
        cache.Set(keyOfB, cache.Get(keyOfA)!, new());

        var callback = Instance();

        Assert.Null(await callback.TakeAsync("state-b", CancellationToken.None));
        Assert.Equal("alice", (await callback.TakeAsync("state-a", CancellationToken.None))?.Subject);
        Assert.Null(await Instance().TakeAsync("state-a", CancellationToken.None));
    }

    /// <summary>A backend of the application's own: atomic compare-and-set in memory.</summary>
    private sealed class DictionaryBackend : ISharedTokenBackend
    {
        private readonly ConcurrentDictionary<string, SharedTokenEntry> _entries = new(StringComparer.Ordinal);

        public IReadOnlyList<(string Key, (byte[] Version, byte[] Data) Entry)> Entries =>
            [.. _entries.Select(e => (e.Key, (System.Text.Encoding.UTF8.GetBytes(e.Value.Version), e.Value.Data)))];

        public ValueTask<SharedTokenEntry?> GetAsync(string key, CancellationToken cancellationToken = default) => new(_entries.GetValueOrDefault(key));

        public ValueTask SetAsync(string key, SharedTokenEntry entry, TimeSpan? timeToLive, CancellationToken cancellationToken = default)
        {
            _entries[key] = entry;
            return ValueTask.CompletedTask;
        }

        public ValueTask<bool> TryReplaceAsync(string key, string expectedVersion, SharedTokenEntry replacement, TimeSpan? timeToLive, CancellationToken cancellationToken = default) =>
            new(_entries.TryGetValue(key, out var current) && current.Version == expectedVersion && _entries.TryUpdate(key, replacement, current));

        public ValueTask<bool> TryRemoveAsync(string key, string expectedVersion, CancellationToken cancellationToken = default) =>
            new(_entries.TryGetValue(key, out var current) && current.Version == expectedVersion && _entries.TryRemove(new KeyValuePair<string, SharedTokenEntry>(key, current)));

        public ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default)
        {
            _entries.TryRemove(key, out _);
            return ValueTask.CompletedTask;
        }
    }
}
