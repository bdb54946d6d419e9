namespace TokenClients;

/// <summary>
/// Where the instances of an application keep the entries they share (signed-in users' token sets): opaque bytes under
/// opaque keys, each with a version. TokenClients encrypts, binds, keys and versions every entry before it reaches the
/// backend; a backend only stores bytes. <c>AddTokenClientsRedis</c> registers one on Redis; without one, the
/// application's <c>IDistributedCache</c> serves, its compare-and-set serialised by the <see cref="ITokenLock"/>.
/// </summary>
/// <remarks>
/// Implementations are thread-safe, and <see cref="TryReplaceAsync"/> and <see cref="TryRemoveAsync"/> are atomic
/// across every instance sharing the backend (for example a Lua script on Redis): of two instances replacing the same
/// version at once, exactly one succeeds. A failure to reach the backend is thrown.
/// </remarks>
public interface ISharedTokenBackend
{
    /// <summary>Reads the entry at <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none.</returns>
    ValueTask<SharedTokenEntry?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes the entry at <paramref name="key"/>, whatever is there.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="timeToLive">How long to keep it, or <see langword="null"/> for until it is removed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is written.</returns>
    ValueTask SetAsync(string key, SharedTokenEntry entry, TimeSpan? timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="replacement"/> at <paramref name="key"/> if, and only if, the entry there has <paramref name="expectedVersion"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version the entry must have.</param>
    /// <param name="replacement">The new entry.</param>
    /// <param name="timeToLive">How long to keep it, or <see langword="null"/> for until it is removed.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the entry was replaced; <see langword="false"/> when it is missing or of another version.</returns>
    ValueTask<bool> TryReplaceAsync(string key, string expectedVersion, SharedTokenEntry replacement, TimeSpan? timeToLive, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry at <paramref name="key"/> if, and only if, it has <paramref name="expectedVersion"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="expectedVersion">The version the entry must have.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the entry was removed; <see langword="false"/> when it is missing or of another version.</returns>
    ValueTask<bool> TryRemoveAsync(string key, string expectedVersion, CancellationToken cancellationToken = default);

    /// <summary>Removes the entry at <paramref name="key"/>, if any.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is gone.</returns>
    ValueTask RemoveAsync(string key, CancellationToken cancellationToken = default);
}

/// <summary>An entry of an <see cref="ISharedTokenBackend"/>: encrypted bytes and their version (a hash, never a token).</summary>
/// <param name="version">The version, compared by <see cref="ISharedTokenBackend.TryReplaceAsync"/> and <see cref="ISharedTokenBackend.TryRemoveAsync"/>.</param>
/// <param name="data">The encrypted bytes.</param>
public sealed class SharedTokenEntry(string version, byte[] data)
{
    /// <summary>Gets the version.</summary>
    public string Version { get; } = version ?? throw new ArgumentNullException(nameof(version));

    /// <summary>Gets the encrypted bytes.</summary>
    public byte[] Data { get; } = data ?? throw new ArgumentNullException(nameof(data));
}
