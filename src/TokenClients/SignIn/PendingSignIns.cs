using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
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
/// started here at once (<see cref="PendingSignInIndex"/>).
/// </summary>
/// <remarks>
/// Pending sign-ins live in this process, redeemed by an atomic remove, unless a shared cache and an
/// <see cref="ITokenLock"/> are both registered: then they live in the shared cache through the protected store
/// (encrypted with Data Protection, bound to their key), so the callback may reach any instance, and the redemption lock
/// (taken once per state, never released, expiring with the sign-in) lets one instance redeem it. A shared cache alone
/// has no atomic take, so it is not used. When the shared cache cannot be written at start the sign-in stays here; when
/// it or the lock cannot be reached at the callback, the callback is refused rather than risk a double redemption.
/// </remarks>
internal sealed class PendingSignIns
{
    private readonly PendingSignInIndex _index;
    private readonly string _providerName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ProtectedStore<PendingSignIn>? _shared;
    private readonly ITokenLock? _redemptionLock;

    public PendingSignIns(string providerName, TimeProvider time, ILogger logger, int capacity, IDistributedCache? shared = null, IDataProtectionProvider? dataProtection = null, ITokenLock? redemptionLock = null, string keyPrefix = "")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _index = new PendingSignInIndex(capacity);
        _providerName = providerName;
        _time = time;
        _logger = logger;
        if (shared is not null && dataProtection is not null && redemptionLock is not null)
        {
            // No compare-and-set: the backend needs no lock of its own; the redemption lock makes the take single.
            var backend = new DistributedCacheBackend(shared, null, Options.Create(new DistributedTokenCacheOptions()), time);
            _shared = new ProtectedStore<PendingSignIn>(backend, new SharedPayload(dataProtection), PendingSignInJsonContext.Default.BoundPendingSignIn,
                static _ => string.Empty, keyPrefix + "signin:", logger);
            _redemptionLock = redemptionLock;
        }
    }

    /// <summary>Gets how many sign-ins started here are waiting for their callback.</summary>
    public int Count => _index.Count;

    /// <summary>Gets the length of the start-order index, stale entries included (at most twice the capacity).</summary>
    public int IndexLength => _index.IndexLength;

    /// <summary>Gets how many index entries starting sign-ins has looked at so far: the work of keeping the index trimmed.</summary>
    public long Examined => _index.Examined;

    public async ValueTask AddAsync(string state, PendingSignIn pending, CancellationToken cancellationToken)
    {
        var shared = false;
        if (_shared is not null)
        {
            try
            {
                await _shared.SetAsync(Key(state), pending, pending.ExpiresAt - _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                shared = true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Log.SharedSignInUnavailable(_logger, _providerName, exception);
            }
        }

        var dropped = _index.Add(state, new PendingSignInIndex.Entry(pending, shared), _time.GetUtcNow(), out var reachedCapacity);
        if (reachedCapacity)
        {
            Log.PendingSignInsAtCapacity(_logger, _providerName, _index.Capacity);
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
        var entry = _index.Remove(state);
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
            found = await _shared.GetAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw Unavailable(exception);
        }

        var remaining = found is { Subject.Length: > 0 } ? found.ExpiresAt - _time.GetUtcNow() : TimeSpan.Zero;
        if (remaining <= TimeSpan.Zero)
        {
            return null;
        }

        // One redemption per state across the fleet: the lock is never released, and outlives the entry it guards.
        IAsyncDisposable? redemption;
        try
        {
            redemption = await _redemptionLock!.TryAcquireAsync(KeyHash.Of("signin-redeemed", _providerName, state), remaining + TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
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

    private string Key(string state) => KeyHash.Of("signin", _providerName, state);
}

[JsonSerializable(typeof(Bound<PendingSignIn>))]
internal sealed partial class PendingSignInJsonContext : JsonSerializerContext;
