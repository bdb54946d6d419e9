using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Caching;

namespace TokenClients;

/// <summary>
/// The keys under which the instances of an application share token sets (shared cache, fetch lock, token store):
/// HMAC-SHA256 with a secret every instance shares, so that someone who can read the shared cache cannot recover a
/// provider or a user from a key by hashing candidate names. Registered by <c>AddTokenClientsDistributedCache</c> and
/// <c>AddTokenClientsRedis</c>; an <see cref="ISharedTokenBackend"/> receives its entries under these keys.
/// </summary>
/// <remarks>
/// <para>
/// The secret is <see cref="DistributedTokenCacheOptions.KeySecret"/> when it is configured. Otherwise a random 256-bit
/// secret is created on first use and kept in the shared cache itself, encrypted with Data Protection (reading the cache
/// does not reveal it), without expiry; every instance reads it back. Its creation is serialised by the
/// <see cref="ITokenLock"/> when one is registered. Without a lock, instances that start at the very same moment on an
/// empty cache may each create one: the last written is the one every later instance uses, and an instance that kept
/// another only misses the tokens of the others (it fetches its own) until it restarts.
/// </para>
/// <para>
/// The secret must outlive the token sets stored under it: stored user token sets are found by these keys for the
/// lifetime of their refresh tokens. A created secret survives restarts and the rotation of Data Protection keys
/// (retired keys still decrypt); revoking the Data Protection key that protected it, or deleting the entry, loses it and
/// with it every stored user (they sign in again). Configure <see cref="DistributedTokenCacheOptions.KeySecret"/> to own it.
/// </para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class SharedTokenKeys
{
    private readonly byte[]? _fixedSecret;
    private readonly Func<CancellationToken, Task<byte[]>>? _sharedSecret;
    private readonly IServiceProvider? _services;
    private readonly ConcurrentDictionary<string, string?> _clients = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Task<byte[]>? _secret;

    /// <summary>Initializes a new instance of the <see cref="SharedTokenKeys"/> class.</summary>
    /// <param name="fixedSecret">The configured secret, if any.</param>
    /// <param name="sharedSecret">Reads (or creates) the secret kept in the shared cache, when no secret is configured.</param>
    /// <param name="services">Resolves the token clients of providers, whose configuration is part of their keys.</param>
    internal SharedTokenKeys(byte[]? fixedSecret, Func<CancellationToken, Task<byte[]>>? sharedSecret, IServiceProvider? services)
    {
        _fixedSecret = fixedSecret;
        _sharedSecret = sharedSecret;
        _services = services;
    }

    /// <summary>Gets a value indicating whether keys are keyed with a secret (otherwise they are plain SHA-256 hashes).</summary>
    internal bool IsKeyed => _fixedSecret is not null || _sharedSecret is not null;

    /// <summary>
    /// The key of a provider's stored token set for a subject: it depends on the provider, the subject, and what the
    /// provider's refresh tokens are bound to (client id, token endpoint), not on scopes.
    /// </summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject (user account).</param>
    /// <param name="cancellationToken">Cancels the wait for the secret.</param>
    /// <returns>64 lower-case hexadecimal characters.</returns>
    /// <exception cref="InvalidOperationException">The shared secret exists but cannot be decrypted with this instance's Data Protection key ring.</exception>
    public ValueTask<string> ForSubjectAsync(string providerName, string subject, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        ArgumentNullException.ThrowIfNull(subject);
        return KeyAsync(TokenCacheKey.ForSubject(providerName, subject, ClientOf(providerName)), cancellationToken);
    }

    /// <summary>Parses a configured secret: base64 of at least 32 bytes, else its UTF-8 bytes, at least 32.</summary>
    internal static byte[]? ParseSecret(string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return null;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret, buffer, out var written) && written >= 32
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>Keys an unkeyed hash (<see cref="TokenCacheKey"/>) with the shared secret.</summary>
    internal async ValueTask<string> KeyAsync(string unkeyed, CancellationToken cancellationToken)
    {
        if (!IsKeyed)
        {
            return unkeyed;
        }

        var secret = _fixedSecret ?? await SecretAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(unkeyed)));
    }

    /// <summary>The fingerprint of what a provider's refresh tokens are bound to, or <see langword="null"/> when the provider is unknown here.</summary>
    internal string? ClientOf(string providerName) => _services is null
        ? null
        : _clients.GetOrAdd(providerName, static (name, services) =>
            services.GetKeyedService<ITokenClient>(name) is { } client ? ConfigurationFingerprint.Of(client).Client : null, _services);

    private Task<byte[]> SecretAsync()
    {
        lock (_gate)
        {
            // A failed read (the cache unreachable) is tried again by the next caller.
            if (_secret is null || _secret.IsFaulted || _secret.IsCanceled)
            {
                _secret = _sharedSecret!(CancellationToken.None);
            }

            return _secret;
        }
    }
}
