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
/// Sign-ins between their start and their callback, each redeemable exactly once, at most <c>capacity</c> of them
/// started here at once (past it the oldest is dropped). An index in start order (a FIFO of state and expiry) keeps
/// starting a sign-in O(1) amortised: expired, redeemed and dropped entries leave it from its head.
/// </summary>
/// <remarks>
/// Pending sign-ins live in this process, redeemed by an atomic remove, unless a shared cache and an
/// <see cref="ITokenLock"/> are both registered: then they live in the shared cache, encrypted with Data Protection, so
/// the callback may reach any instance, and the redemption lock (taken once per state, never released, expiring with
/// the sign-in) lets one instance redeem it. A shared cache alone has no atomic take, so it is not used. When the shared
/// cache cannot be written at start the sign-in stays here; when it or the lock cannot be reached at the callback, the
/// callback is refused rather than risk a double redemption.
/// </remarks>
internal sealed class PendingSignIns
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _index = new(StringComparer.Ordinal);
    private readonly Queue<(string State, PendingSignIn SignIn)> _order = new();
    private readonly string _providerName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private readonly IDistributedCache? _shared;
    private readonly IDataProtector? _protector;
    private readonly ITokenLock? _redemptionLock;
    private readonly string _prefix;
    private bool _atCapacity;

    public PendingSignIns(string providerName, TimeProvider time, ILogger logger, int capacity, IDistributedCache? shared = null, IDataProtectionProvider? dataProtection = null, ITokenLock? redemptionLock = null, string keyPrefix = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _providerName = providerName;
        _time = time;
        _logger = logger;
        _capacity = capacity;
        if (shared is not null && dataProtection is not null && redemptionLock is not null)
        {
            _shared = shared;
            _protector = dataProtection.CreateProtector("TokenClients.PendingSignIn.v1");
            _redemptionLock = redemptionLock;
        }

        _prefix = keyPrefix + "signin:";
    }

    /// <summary>Gets how many sign-ins started here are waiting for their callback.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Gets the length of the start-order index, stale entries included (at most twice the capacity).</summary>
    public int IndexLength
    {
        get
        {
            lock (_gate)
            {
                return _order.Count;
            }
        }
    }

    /// <summary>Gets how many index entries starting sign-ins has looked at so far: the work of keeping the index trimmed.</summary>
    public long Examined { get; private set; }

    public async ValueTask AddAsync(string state, PendingSignIn pending, CancellationToken cancellationToken)
    {
        var shared = false;
        if (_shared is not null)
        {
            var key = Key(state);
            try
            {
                var entry = new DistributedCacheEntryOptions { AbsoluteExpiration = pending.ExpiresAt };
                await _shared.SetAsync(key, _protector!.Protect(Serialize(pending, key)), entry, cancellationToken).ConfigureAwait(false);
                shared = true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SharedSignInUnavailable(_logger, _providerName, exception);
            }
        }

        List<string>? dropped = null;
        var warn = false;
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            while (_order.TryPeek(out var head))
            {
                Examined++;
                if (!_index.TryGetValue(head.State, out var entry) || !ReferenceEquals(entry.SignIn, head.SignIn))
                {
                    _order.Dequeue(); // redeemed (or dropped) already
                    continue;
                }

                var expired = head.SignIn.ExpiresAt <= now;
                if (!expired && _index.Count < _capacity)
                {
                    break;
                }

                _order.Dequeue();
                _index.Remove(head.State);
                if (!expired && entry.Shared)
                {
                    (dropped ??= []).Add(head.State);
                }

                if (!expired && !_atCapacity)
                {
                    _atCapacity = warn = true;
                }
            }

            if (_order.Count / 2 >= _capacity)
            {
                Compact();
            }

            if (_index.Count < _capacity / 2)
            {
                _atCapacity = false;
            }

            _index[state] = new Entry(pending, shared);
            _order.Enqueue((state, pending));
        }

        if (warn)
        {
            Log.PendingSignInsAtCapacity(_logger, _providerName, _capacity);
        }

        foreach (var oldest in dropped ?? [])
        {
            try
            {
                await _shared!.RemoveAsync(Key(oldest), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SharedSignInUnavailable(_logger, _providerName, exception);
            }
        }
    }

    /// <summary>
    /// Removes and returns the sign-in of <paramref name="state"/>, or <see langword="null"/> when none is pending (unknown,
    /// expired, or redeemed already, here or by another instance).
    /// </summary>
    /// <exception cref="TokenRequestException">The shared cache or the redemption lock could not be reached.</exception>
    public async ValueTask<PendingSignIn?> TakeAsync(string state, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_gate)
        {
            if (!_index.Remove(state, out entry))
            {
                entry = default;
            }
        }

        if (entry is { SignIn: { } local, Shared: false })
        {
            return local.ExpiresAt > _time.GetUtcNow() ? local : null;
        }

        if (_shared is null)
        {
            return null;
        }

        var key = Key(state);
        PendingSignIn? found;
        try
        {
            var data = await _shared.GetAsync(key, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return null;
            }

            found = Deserialize(_protector!.Unprotect(data), key);
        }
        catch (CryptographicException)
        {
            Log.SharedEntryUnreadable(_logger);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Unavailable(exception);
        }

        var remaining = found is null ? TimeSpan.Zero : found.ExpiresAt - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }

        // One redemption per state across the fleet: the lock is never released, and outlives the entry it guards.
        IAsyncDisposable? redemption;
        try
        {
            redemption = await _redemptionLock!.TryAcquireAsync(TokenCacheKey.Hash("signin-redeemed", _providerName, state), remaining + TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Unavailable(exception);
        }

        if (redemption is null)
        {
            return null;
        }

        try
        {
            await _shared.RemoveAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The lock alone keeps the sign-in single-use until the entry expires.
            Log.SharedSignInUnavailable(_logger, _providerName, exception);
        }

        return found;
    }

    private TokenRequestException Unavailable(Exception exception)
    {
        Log.SignInRedemptionUnavailable(_logger, _providerName, exception);
        return new TokenRequestException(_providerName, null, "temporarily_unavailable", null,
            "The shared cache or lock that keeps sign-ins single-use could not be reached, so the callback was not redeemed; try again shortly", exception);
    }

    /// <summary>Rebuilds the index from the pending sign-ins alone (at most the capacity), when stale entries fill it.</summary>
    private void Compact()
    {
        var live = _order.Where(e => _index.TryGetValue(e.State, out var entry) && ReferenceEquals(entry.SignIn, e.SignIn)).ToList();
        Examined += _order.Count;
        _order.Clear();
        foreach (var item in live)
        {
            _order.Enqueue(item);
        }
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

    /// <summary>A pending sign-in, and whether it lives in the shared cache (this instance only remembers its start).</summary>
    private readonly record struct Entry(PendingSignIn SignIn, bool Shared);
}
