using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// The protected store every shared entry goes through (shared cache, stored user token sets, pending sign-ins): it
/// prefixes the keys, encrypts each value bound to its full key (<see cref="SharedPayload"/>), versions it, and keeps
/// it in an <see cref="ISharedTokenBackend"/>. An entry that does not read back is logged and missing.
/// </summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <remarks>Thread-safe. Keys handed to it are already keyed with the shared secret (<see cref="SharedTokenKeys"/>) when they must be.</remarks>
internal sealed class ProtectedStore<T>(ISharedTokenBackend backend, SharedPayload payload, JsonTypeInfo<Bound<T>> info, Func<T, string> version, string prefix, ILogger logger)
    where T : class
{
    /// <summary>Gets the backend.</summary>
    public ISharedTokenBackend Backend => backend;

    public async ValueTask<T?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var full = prefix + key;
        if (await backend.GetAsync(full, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        var value = payload.Unprotect(entry.Data, full, info);
        if (value is null)
        {
            Log.SharedEntryUnreadable(logger);
        }

        return value;
    }

    public ValueTask SetAsync(string key, T value, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        backend.SetAsync(prefix + key, Seal(key, value), timeToLive, cancellationToken);

    public ValueTask<bool> TryReplaceAsync(string key, T expected, T replacement, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        backend.TryReplaceAsync(prefix + key, version(expected), Seal(key, replacement), timeToLive, cancellationToken);

    public ValueTask<bool> TryRemoveAsync(string key, T expected, CancellationToken cancellationToken) =>
        backend.TryRemoveAsync(prefix + key, version(expected), cancellationToken);

    public ValueTask RemoveAsync(string key, CancellationToken cancellationToken) => backend.RemoveAsync(prefix + key, cancellationToken);

    private SharedTokenEntry Seal(string key, T value) => new(version(value), payload.Protect(value, prefix + key, info));
}

/// <summary>Builds the protected stores of token sets.</summary>
internal static class ProtectedTokenSets
{
    /// <summary>Creates the store of token sets under <paramref name="prefix"/>; a version is a hash of the tokens (the same issue has the same version), never the tokens themselves.</summary>
    public static ProtectedStore<TokenSetData> Create(ISharedTokenBackend backend, SharedPayload payload, string prefix, ILogger logger) =>
        new(backend, payload, SharedPayloadJsonContext.Default.BoundTokenSetData, static data => KeyHash.Of("version", data.AccessToken, data.RefreshToken), prefix, logger);
}
