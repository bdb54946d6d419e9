using Microsoft.Extensions.Logging;

namespace TokenClients.Diagnostics;

/// <summary>
/// Every log line TokenClients writes, with fixed event ids. None carries a header, a body, a URL query
/// or any other place a secret could hide.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Token provider '{Provider}' acquired a token valid until {ExpiresAt:O}.")]
    public static partial void TokenAcquired(ILogger logger, string provider, DateTimeOffset expiresAt);

    // The caller receives the exception and logs it with its stack trace (the ASP.NET Core pipeline does): this line
    // says what failed, once, without repeating the stack.
    [LoggerMessage(2, LogLevel.Warning, "Token provider '{Provider}' could not obtain a token: {Reason}")]
    public static partial void TokenAcquisitionFailed(ILogger logger, string provider, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Token provider '{Provider}' failed to refresh ahead of expiry; the current token is still served and the refresh is retried in {RetryInterval}.")]
    public static partial void RefreshAheadFailed(ILogger logger, string provider, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Token provider '{Provider}' was given a token no fresher than the one it holds; the next refresh waits {RetryInterval}.")]
    public static partial void RefreshNotFresher(ILogger logger, string provider, TimeSpan retryInterval);

    [LoggerMessage(5, LogLevel.Information, "Token provider '{Provider}': the refresh token was rejected ({Error}); requesting a new token set.")]
    public static partial void RefreshRejectedFallingBack(ILogger logger, string provider, string? error);

    [LoggerMessage(6, LogLevel.Debug, "Token provider '{Provider}': a token rejected by an API was dropped from the cache.")]
    public static partial void TokenInvalidated(ILogger logger, string provider);

    [LoggerMessage(7, LogLevel.Information, "Token provider '{Provider}' evicted {Count} cached contexts (limit {Limit}).")]
    public static partial void CacheEvicted(ILogger logger, string provider, int count, int limit);

    [LoggerMessage(8, LogLevel.Debug, "Token provider '{Provider}': the API answered 401 to the token sent; retrying once with a new token.")]
    public static partial void RetryingAfterUnauthorized(ILogger logger, string provider);

    [LoggerMessage(9, LogLevel.Warning, "Token provider '{Provider}': no token attached to a request to {Origin}, which is not an allowed origin of this client.")]
    public static partial void OriginNotAllowed(ILogger logger, string provider, string origin);

    [LoggerMessage(10, LogLevel.Debug, "Token provider '{Provider}' sent a {Grant} request to its token endpoint.")]
    public static partial void TokenRequestSent(ILogger logger, string provider, string grant);

    [LoggerMessage(11, LogLevel.Debug, "Token provider '{Provider}' read the token endpoint from the discovery document of its authority.")]
    public static partial void EndpointDiscovered(ILogger logger, string provider);

    [LoggerMessage(12, LogLevel.Warning, "The shared token cache or lock could not be reached; each instance gets its own tokens for {Backoff} before trying it again.")]
    public static partial void SharedCacheUnavailable(ILogger logger, TimeSpan backoff, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "The shared token cache is reachable again; instances share tokens again.")]
    public static partial void SharedCacheRestored(ILogger logger);

    [LoggerMessage(14, LogLevel.Warning, "A shared token entry could not be decrypted or verified (tampered, or protected with a Data Protection key ring this instance does not share); treated as missing.")]
    public static partial void SharedEntryUnreadable(ILogger logger);

    [LoggerMessage(15, LogLevel.Information, "Token provider '{Provider}' waited {Wait} for another instance's token; requesting one itself.")]
    public static partial void SharedLockWaitExpired(ILogger logger, string provider, TimeSpan wait);

    [LoggerMessage(70, LogLevel.Information, "Token provider '{Provider}' waited {Wait} for another instance's refresh of a one-time credential; still waiting for it to finish or its lock to expire.")]
    public static partial void SharedOneTimeWaitContinues(ILogger logger, string provider, TimeSpan wait);

    [LoggerMessage(16, LogLevel.Information, "Token provider '{Provider}': another instance stored a newer token set for this user first; using it.")]
    public static partial void RefreshRaceLost(ILogger logger, string provider);

    [LoggerMessage(18, LogLevel.Warning, "Token provider '{Provider}': the token that replaced a rejected one was rejected too; it is kept for {Cooldown} instead of requesting a token per call.")]
    public static partial void RejectedTokenKept(ILogger logger, string provider, TimeSpan cooldown);

    [LoggerMessage(17, LogLevel.Warning, "Token provider '{Provider}': a sign-in could not be kept in the shared cache; its callback must reach this instance.")]
    public static partial void SharedSignInUnavailable(ILogger logger, string provider, Exception exception);

    [LoggerMessage(40, LogLevel.Information, "Token provider '{Provider}': the token endpoint answered 401 to a client token in use for {Age}; replacing the client token and asking once more.")]
    public static partial void ClientTokenReplaced(ILogger logger, string provider, TimeSpan age);

    [LoggerMessage(41, LogLevel.Debug, "Token provider '{Provider}': the token endpoint answered 401 to a client token obtained or replaced within {Interval}; the user's credential was refused, not the client token.")]
    public static partial void ClientTokenKept(ILogger logger, string provider, TimeSpan interval);

    [LoggerMessage(50, LogLevel.Warning, "Token provider '{Provider}': a 401 came from {Origin}, which the request was redirected to and which did not receive the token; the token is kept and the request is not resent.")]
    public static partial void UnauthorizedFromAnotherOrigin(ILogger logger, string provider, string origin);

    [LoggerMessage(60, LogLevel.Warning, "Token provider '{Provider}': a sign-in callback reached a user other than the one the sign-in was started for (possible login CSRF); the sign-in was discarded.")]
    public static partial void SignInSubjectMismatch(ILogger logger, string provider);

    [LoggerMessage(61, LogLevel.Warning, "Token provider '{Provider}': the shared cache or lock that keeps sign-ins single-use could not be reached; the callback was refused.")]
    public static partial void SignInRedemptionUnavailable(ILogger logger, string provider, Exception exception);

    [LoggerMessage(62, LogLevel.Warning, "Token provider '{Provider}': {Max} sign-ins are waiting for their callback; starting more drops the oldest.")]
    public static partial void PendingSignInsAtCapacity(ILogger logger, string provider, int max);

    [LoggerMessage(80, LogLevel.Warning, "Token provider '{Provider}' could not obtain a token: its token client failed unexpectedly.")]
    public static partial void TokenAcquisitionFailedUnexpectedly(ILogger logger, string provider, Exception exception);

    [LoggerMessage(100, LogLevel.Information, "Token provider '{Provider}': a user signed out; the stored token set and cached tokens were removed (revocation: {Revocation}).")]
    public static partial void SignedOut(ILogger logger, string provider, RevocationStatus revocation);

    [LoggerMessage(101, LogLevel.Warning, "Token provider '{Provider}': a user signed out locally, but the server could not revoke the refresh token.")]
    public static partial void RevocationFailed(ILogger logger, string provider, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Token provider '{Provider}': a user signed out here, but the other instances could not be told; they serve the user's access token until it expires or is refreshed.")]
    public static partial void SignOutNotPublished(ILogger logger, string provider, Exception exception);

    [LoggerMessage(103, LogLevel.Warning, "The channel that carries sign-outs between instances could not be subscribed to; sign-outs on other instances reach this one only when its tokens are refreshed.")]
    public static partial void SignOutChannelUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(104, LogLevel.Warning, "A sign-out message from the shared channel could not be read (another application, or a Data Protection key ring that is not shared); it was ignored.")]
    public static partial void SignOutNoticeUnreadable(ILogger logger);

    [LoggerMessage(130, LogLevel.Warning, "Token provider '{Provider}': HttpClient '{Client}' should present the provider's client certificate, but its primary handler is a {Handler}, not a SocketsHttpHandler or HttpClientHandler; that handler must present it.")]
    public static partial void ClientCertificateNotPresentable(ILogger logger, string provider, string client, string handler);

    [LoggerMessage(131, LogLevel.Warning, "Token provider '{Provider}': an access token bound to the client certificate was not sent, because the HttpClient does not present that certificate.")]
    public static partial void BoundTokenWithheld(ILogger logger, string provider);

    [LoggerMessage(132, LogLevel.Warning, "Token provider '{Provider}': a sign-in callback's iss was missing or named another issuer (RFC 9207, possible mix-up attack); the sign-in was discarded and its code not redeemed.")]
    public static partial void AuthorizationResponseIssuerRefused(ILogger logger, string provider);

    [LoggerMessage(133, LogLevel.Debug, "Token provider '{Provider}': a sign-in callback carries iss, but no issuer is known to compare it with (no discovery, no Issuer set); it was not checked.")]
    public static partial void AuthorizationResponseIssuerUnchecked(ILogger logger, string provider);

    [LoggerMessage(110, LogLevel.Debug, "Token provider '{Provider}' signs its DPoP proofs with a {Algorithm} key (thumbprint {Thumbprint}, {Origin}).")]
    public static partial void DPoPKeyReady(ILogger logger, string provider, string algorithm, string thumbprint, string origin);

    [LoggerMessage(111, LogLevel.Debug, "Token provider '{Provider}': the {Where} asked for a DPoP nonce; the request is sent once more with it.")]
    public static partial void DPoPNonceRetry(ILogger logger, string provider, string where);

    [LoggerMessage(112, LogLevel.Warning, "Token provider '{Provider}' asked for a DPoP-bound token, and the token endpoint issued a token of type Bearer; it is used as a bearer token, without proofs (RFC 9449 section 5).")]
    public static partial void DPoPTokenIssuedAsBearer(ILogger logger, string provider);

    [LoggerMessage(120, LogLevel.Information, "Token provider '{Provider}': a device sign-in started; it expires in {ExpiresIn} and is polled every {Interval}.")]
    public static partial void DeviceSignInStarted(ILogger logger, string provider, TimeSpan expiresIn, TimeSpan interval);

    [LoggerMessage(121, LogLevel.Information, "Token provider '{Provider}': the token endpoint asked to slow down; a device sign-in is now polled every {Interval}.")]
    public static partial void DevicePollingSlowedDown(ILogger logger, string provider, TimeSpan interval);

    [LoggerMessage(122, LogLevel.Information, "Token provider '{Provider}': a device sign-in was approved; the token set is stored for the user.")]
    public static partial void DeviceSignInCompleted(ILogger logger, string provider);

    [LoggerMessage(123, LogLevel.Warning, "Token provider '{Provider}': a device sign-in ended without tokens ({Failure}).")]
    public static partial void DeviceSignInFailed(ILogger logger, string provider, DeviceCodeFailure failure);

    [LoggerMessage(124, LogLevel.Information, "Token provider '{Provider}': the token endpoint rejected the subject token of provider '{SubjectProvider}'; dropping it and exchanging a new one once.")]
    public static partial void SubjectTokenRejected(ILogger logger, string provider, string subjectProvider);
}
