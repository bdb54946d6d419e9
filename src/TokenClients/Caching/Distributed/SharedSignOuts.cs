using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// Sign-outs across the instances sharing signed-in users: a sign-out here is published, encrypted, on the
/// <see cref="ISharedSignOutChannel"/>, and each instance's providers forget the user's tokens when it arrives.
/// </summary>
/// <remarks>
/// Without a channel (a shared cache that has none) it does nothing. Thread-safe. An instance subscribes when its first provider is created, before that provider can cache a token; a subscription that fails is tried again (after 1 second, doubling up to a minute) until it is in place. A
/// message that does not decrypt (another application, a key ring not shared, a forgery) is logged and ignored; one
/// for a provider this instance has not created is ignored (it caches nothing of the user).
/// </remarks>
/// <param name="channel">The channel; <see langword="null"/> for none.</param>
/// <param name="payload">Encrypts and authenticates the messages.</param>
/// <param name="logger">The logger.</param>
/// <param name="time">The clock the subscription's retries wait on; <see langword="null"/> for the system's.</param>
internal sealed class SharedSignOuts(ISharedSignOutChannel? channel, SharedPayload payload, ILogger logger, TimeProvider? time = null) : IDisposable
{
    /// <summary>What every message is bound to: a message cannot be taken for another kind of entry.</summary>
    private const string Binding = "sign-out";

    /// <summary>The longest wait between two tries to subscribe.</summary>
    internal static readonly TimeSpan MaxSubscribeRetryDelay = TimeSpan.FromMinutes(1);

    private readonly CancellationTokenSource _stopping = new();

    private readonly ConcurrentDictionary<string, TokenProvider> _providers = new(StringComparer.OrdinalIgnoreCase);
    private int _subscribed;

    /// <summary>Lets <paramref name="provider"/> hear of sign-outs elsewhere; subscribes this instance on the first call.</summary>
    public void Register(TokenProvider provider)
    {
        if (channel is null)
        {
            return;
        }

        _providers[provider.Name] = provider;
        if (Interlocked.Exchange(ref _subscribed, 1) == 0)
        {
            _ = SubscribeAsync();
        }
    }

    /// <summary>Tells every instance that <paramref name="subject"/> signed out of <paramref name="providerName"/>; never throws.</summary>
    public async ValueTask PublishAsync(string providerName, string subject, CancellationToken cancellationToken)
    {
        if (channel is null)
        {
            return;
        }

        try
        {
            var message = payload.Protect(new SignOutNotice { Provider = providerName, Subject = subject }, Binding, SignOutNoticeJsonContext.Default.BoundSignOutNotice);
            await channel.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The local sign-out has happened; a channel that is down only delays the others.
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Safe.Log(logger, static (logger, state) => Log.SignOutNotPublished(logger, state.providerName, state.exception), (providerName, exception));
        }
    }

    /// <summary>Stops the subscription's retries.</summary>
    public void Dispose()
    {
        // Cancelled, not disposed: a retry still running reads its token, and a second Dispose is harmless.
        _stopping.Cancel();
    }

    private async Task SubscribeAsync()
    {
        // Until the subscription is in place this instance hears no sign-out from the others: a channel that is down when
        // the first provider is created (a restart of the shared cache, a network blip) is tried again, less and less often.
        var delay = TimeSpan.FromSeconds(1);
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await channel!.SubscribeAsync(Receive, stopping).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // A subscription that fails costs only the timeliness of sign-outs from other instances.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                Safe.Log(logger, static (logger, exception) => Log.SignOutChannelUnavailable(logger, exception), exception);
            }

            try
            {
                await Task.Delay(delay, time ?? TimeProvider.System, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = delay * 2 < MaxSubscribeRetryDelay ? delay * 2 : MaxSubscribeRetryDelay;
        }
    }

    private void Receive(byte[] message)
    {
        try
        {
            if (payload.Unprotect(message, Binding, SignOutNoticeJsonContext.Default.BoundSignOutNotice) is not { Provider: { } name, Subject: { Length: > 0 } subject })
            {
                Safe.Log(logger, static (logger, _) => Log.SignOutNoticeUnreadable(logger), 0);
                return;
            }

            if (_providers.TryGetValue(name, out var provider))
            {
                provider.ForgetSubject(subject);
            }
        }
#pragma warning disable CA1031 // Whatever arrives on the channel must not reach the channel's own thread.
        catch (Exception)
#pragma warning restore CA1031
        {
            Safe.Log(logger, static (logger, _) => Log.SignOutNoticeUnreadable(logger), 0);
        }
    }
}

/// <summary>A sign-out as it travels between instances (encrypted).</summary>
internal sealed class SignOutNotice
{
    [JsonPropertyName("p")]
    public string? Provider { get; set; }

    [JsonPropertyName("s")]
    public string? Subject { get; set; }
}

[JsonSerializable(typeof(Bound<SignOutNotice>))]
internal sealed partial class SignOutNoticeJsonContext : JsonSerializerContext;
