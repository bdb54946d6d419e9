using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using TokenClients.Caching;
using TokenClients.Diagnostics;

namespace TokenClients.OAuth2;

/// <summary>A sign-in started and not yet completed: whose it is and its PKCE verifier.</summary>
internal sealed record PendingSignIn(string Subject, string? Verifier, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"PendingSignIn {{ Subject = {Subject} }}";
}

/// <summary>
/// Sign-ins between their start and their callback, each redeemable once. With a shared cache configured they live
/// there, encrypted with Data Protection, so the callback may reach any instance of the application, or one started
/// since; otherwise (or while the shared cache is unreachable) in this process.
/// </summary>
internal sealed class PendingSignIns
{
    private readonly ConcurrentDictionary<string, PendingSignIn> _local = new(StringComparer.Ordinal);
    private readonly string _providerName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IDistributedCache? _shared;
    private readonly IDataProtector? _protector;
    private readonly string _prefix;

    public PendingSignIns(string providerName, TimeProvider time, ILogger logger, IDistributedCache? shared = null, IDataProtectionProvider? dataProtection = null, string keyPrefix = "")
    {
        _providerName = providerName;
        _time = time;
        _logger = logger;
        if (shared is not null && dataProtection is not null)
        {
            _shared = shared;
            _protector = dataProtection.CreateProtector("TokenClients.PendingSignIn.v1");
        }

        _prefix = keyPrefix + "signin:";
    }

    public async ValueTask AddAsync(string state, PendingSignIn pending, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var (key, old) in _local)
        {
            if (old.ExpiresAt <= now)
            {
                _local.TryRemove(key, out _);
            }
        }

        if (_shared is not null)
        {
            var key = Key(state);
            try
            {
                var entry = new DistributedCacheEntryOptions { AbsoluteExpiration = pending.ExpiresAt };
                await _shared.SetAsync(key, _protector!.Protect(Serialize(pending, key)), entry, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SharedSignInUnavailable(_logger, _providerName, exception);
            }
        }

        _local[state] = pending;
    }

    /// <summary>Removes and returns the sign-in of <paramref name="state"/>, or <see langword="null"/> when none is pending.</summary>
    public async ValueTask<PendingSignIn?> TakeAsync(string state, CancellationToken cancellationToken)
    {
        var found = _local.TryRemove(state, out var local) ? local : null;
        if (found is null && _shared is not null)
        {
            var key = Key(state);
            try
            {
                var data = await _shared.GetAsync(key, cancellationToken).ConfigureAwait(false);
                if (data is not null)
                {
                    await _shared.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
                    found = Deserialize(_protector!.Unprotect(data), key);
                }
            }
            catch (CryptographicException)
            {
                Log.SharedEntryUnreadable(_logger);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SharedSignInUnavailable(_logger, _providerName, exception);
            }
        }

        return found is not null && found.ExpiresAt > _time.GetUtcNow() ? found : null;
    }

    private string Key(string state) => _prefix + TokenCacheKey.Hash("signin", _providerName, state);

    private static byte[] Serialize(PendingSignIn pending, string key)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("key", key); // binds the entry to its key: a copy under another key is refused
            json.WriteString("subject", pending.Subject);
            json.WriteString("verifier", pending.Verifier);
            json.WriteNumber("expires", pending.ExpiresAt.ToUnixTimeMilliseconds());
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static PendingSignIn? Deserialize(byte[] data, string key)
    {
        try
        {
            using var document = JsonDocument.Parse(data);
            var root = document.RootElement;
            return root.GetProperty("key").GetString() == key && root.GetProperty("subject").GetString() is { Length: > 0 } subject
                ? new PendingSignIn(subject, root.GetProperty("verifier").GetString(), DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("expires").GetInt64()))
                : null;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
