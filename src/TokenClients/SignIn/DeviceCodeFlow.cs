using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;

namespace TokenClients.OAuth2;

/// <summary>
/// The device authorization grant (RFC 8628) over an <see cref="IDeviceAuthorizationTokenClient"/>: start, poll (honouring
/// <c>interval</c> and <c>slow_down</c>, waiting through the <see cref="TimeProvider"/>), store the token set for the subject.
/// </summary>
internal sealed class DeviceCodeFlow(string providerName, IDeviceAuthorizationTokenClient client, ITokenStore store, TimeProvider timeProvider, ILogger logger) : IDeviceCodeFlow
{
    /// <summary>What each <c>slow_down</c> adds to the interval (RFC 8628 section 3.5).</summary>
    internal static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two polls, whatever the server's <c>interval</c>.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromDays(1);

    public async Task<DeviceAuthorization> StartAsync(string subject, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        var answer = await client.AuthorizeDeviceAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        Safe.Log(logger, static (logger, state) => Log.DeviceSignInStarted(logger, state.providerName, state.ExpiresIn, state.Interval), (providerName, answer.ExpiresIn, answer.Interval));
        return new DeviceAuthorization(providerName, subject, answer.DeviceCode, answer.UserCode, answer.VerificationUri, answer.VerificationUriComplete,
            now + answer.ExpiresIn, answer.Interval);
    }

    public async Task<AuthorizationResult> CompleteAsync(DeviceAuthorization authorization, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(authorization);
        if (!string.Equals(authorization.ProviderName, providerName, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The device sign-in was started by token provider '{authorization.ProviderName}', not '{providerName}'.", nameof(authorization));
        }

        // The device code is a one-time credential: two pollers would race for the one token set the server issues.
        if (!authorization.TryClaim())
        {
            throw new InvalidOperationException($"Token provider '{providerName}': this device sign-in is already being completed; a device code is redeemed once.");
        }

        var tokens = await PollAsync(authorization, cancellationToken).ConfigureAwait(false);
        await store.SetAsync(providerName, authorization.Subject, tokens, CancellationToken.None).ConfigureAwait(false);
        Safe.Log(logger, static (logger, name) => Log.DeviceSignInCompleted(logger, name), providerName);
        return new AuthorizationResult(authorization.Subject, tokens);
    }

    private async Task<TokenSet> PollAsync(DeviceAuthorization authorization, CancellationToken cancellationToken)
    {
        var interval = authorization.Interval;

        // Each round waits at least one interval of the clock, and ends past the expiry: the loop is bounded.
        while (true)
        {
            // Never past the device code's expiry, whatever interval the server asked for, and never longer than a timer
            // takes (a day at most: Task.Delay refuses about 49.7 days and more).
            var remaining = authorization.ExpiresAt - timeProvider.GetUtcNow();
            var wait = TimeSpan.FromTicks(Math.Clamp(Math.Min(interval.Ticks, remaining.Ticks), 0, MaxWait.Ticks));
            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            if (timeProvider.GetUtcNow() >= authorization.ExpiresAt)
            {
                throw Failed(authorization, DeviceCodeFailure.Expired, null);
            }

            try
            {
                return await client.PollAsync(authorization.DeviceCode, cancellationToken).ConfigureAwait(false);
            }
            catch (TokenRequestException exception) when (exception.Error == "authorization_pending")
            {
            }
            catch (TokenRequestException exception) when (exception.Error == "slow_down")
            {
                interval += SlowDownStep;
                Safe.Log(logger, static (logger, state) => Log.DevicePollingSlowedDown(logger, state.providerName, state.interval), (providerName, interval));
            }
            catch (TokenRequestException exception) when (exception.Error is "access_denied" or "expired_token")
            {
                throw Failed(authorization, exception.Error == "access_denied" ? DeviceCodeFailure.AccessDenied : DeviceCodeFailure.Expired, exception);
            }
        }
    }

    private DeviceCodeFlowException Failed(DeviceAuthorization authorization, DeviceCodeFailure failure, TokenRequestException? answer)
    {
        Safe.Log(logger, static (logger, state) => Log.DeviceSignInFailed(logger, state.providerName, state.failure), (providerName, failure));
        return new DeviceCodeFlowException(providerName, authorization.Subject, failure, answer);
    }
}
