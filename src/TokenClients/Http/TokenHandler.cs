using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>
/// A <see cref="DelegatingHandler"/> that attaches the provider's access token as <c>Authorization</c>,
/// and on a 401 to that token drops it, gets a new one and resends the request once.
/// </summary>
/// <remarks>
/// <para>Policy (caching, refresh) lives in the <see cref="ITokenProvider"/>; this handler only reads from it.
/// A cached token costs one dictionary lookup and two header assignments.</para>
/// <para>Fails closed: when no token can be had, the request is not sent and the caller gets the
/// <see cref="TokenRequestException"/>.</para>
/// <para>A token goes only to the allowed origins (the client's <c>BaseAddress</c> and
/// <see cref="TokenHandlerOptions.AllowedOrigins"/>); a request to any other origin is sent without it. The origin is
/// checked before every send that carries the token, the 401 retry included. A 401 from an origin the token was not
/// sent to (a redirect moved the request there, and the redirect dropped the header) is returned to the caller as it
/// is: the token is not dropped and the request is not resent.</para>
/// <para>The header lives on the request only while this handler's inner handler sends it: it is removed once the
/// response (or the failure) comes back, so nothing that reads the request afterwards, a log entry that kept the
/// request's headers included, finds the token. <c>AddTokenHandler</c> places it directly around the client's primary
/// handler, so that no other handler or logger of the chain ever sees the header; a chain built by hand should do the
/// same.</para>
/// <para>A DPoP-bound token (RFC 9449) goes with the scheme <c>DPoP</c> and a new <c>DPoP</c> proof per send (its
/// <c>ath</c>, <c>htm</c>, <c>htu</c>, <c>jti</c>, <c>iat</c>, and the nonce the origin handed out); a 401 that asks for a
/// nonce (<c>use_dpop_nonce</c>) is answered with one resend carrying it, the token kept. The framework's redirects keep
/// every header but <c>Authorization</c>, the proof included, so <c>AddTokenHandler</c> turns a DPoP client's primary
/// handler redirects off and this handler follows them, without token or proof; a chain built by hand for a DPoP
/// provider should give its primary handler <c>AllowAutoRedirect = false</c>.</para>
/// </remarks>
public sealed partial class TokenHandler : DelegatingHandler
{
    private readonly ITokenProvider _provider;
    private readonly OriginSet _allowedOrigins;
    private readonly ILogger _logger;

    // The last token found sendable: bound to no certificate, or to one this client presents.

    /// <summary>Initializes a new instance of the <see cref="TokenHandler"/> class.</summary>
    /// <param name="provider">Where tokens come from.</param>
    /// <param name="allowedOrigins">
    /// The origins (scheme, host, port) that may receive the token; <see langword="null"/> sends it to every origin,
    /// which suits only a client that talks to a single API. An empty list is a configuration error that every request
    /// reports with an <see cref="InvalidOperationException"/>: such a handler could never attach its token.
    /// </param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    public TokenHandler(ITokenProvider provider, IEnumerable<Uri>? allowedOrigins = null, ILogger<TokenHandler>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _provider = provider;
        _allowedOrigins = new OriginSet(allowedOrigins);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    /// <exception cref="TokenRequestException">No token could be obtained; the request was not sent.</exception>
    /// <exception cref="InvalidOperationException">No origin may receive the token (see <see cref="TokenHandlerOptions"/>); the request was not sent.</exception>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var target = request.RequestUri;
        if (!_allowedOrigins.Allows(target))
        {
            return SendWithoutToken(request, cancellationToken);
        }

        var context = TokenContextOption.Read(request, out var subject);
        var pendingToken = subject is null ? _provider.GetTokenAsync(context, cancellationToken)
            : _provider is Caching.TokenProvider known ? known.GetSubjectTokenAsync(subject, cancellationToken)
            : _provider.GetTokenAsync(context = TokenContext.ForSubject(subject), cancellationToken);
        if (!pendingToken.IsCompletedSuccessfully)
        {
            return SendWithPendingTokenAsync(request, context, pendingToken, cancellationToken);
        }

        var token = pendingToken.Result;
        var pendingResponse = SendWithToken(request, token, cancellationToken);
        if (!pendingResponse.IsCompleted)
        {
            return CompleteAsync(request, target, context, token, pendingResponse, cancellationToken);
        }

        var redirected = request.Headers.Authorization is null;
        request.Headers.Authorization = null;
        if (token.ProofKey is not null)
        {
            EndProof(request, token, pendingResponse.IsCompletedSuccessfully ? pendingResponse.Result : null);
        }

        return pendingResponse.IsCompletedSuccessfully && pendingResponse.Result.StatusCode == HttpStatusCode.Unauthorized
            ? AfterUnauthorizedAsync(request, target, context, token, pendingResponse.Result, redirected, cancellationToken)
            : pendingResponse;
    }

    private static bool CanResend(HttpContent? content) =>
        content is null or ByteArrayContent or ReadOnlyMemoryContent or JsonContent;

    private Task<HttpResponseMessage> SendWithoutToken(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = null;
        if (_allowedOrigins.IsEmpty)
        {
            return Task.FromException<HttpResponseMessage>(new InvalidOperationException(
                $"The token of provider '{_provider.Name}' may go to no origin, so the request to {OriginSet.Describe(request.RequestUri)} was not sent. "
                + "Set the client's BaseAddress where the client is registered (AddHttpClient(name, c => c.BaseAddress = ...)); a BaseAddress set later, "
                + "for example in a typed client's constructor, is not visible to the token handler. Or list the API's origin in "
                + "TokenHandlerOptions.AllowedOrigins (AddTokenHandler(provider, o => o.AllowedOrigins.Add(...)))."));
        }

        Log.OriginNotAllowed(_logger, _provider.Name, OriginSet.Describe(request.RequestUri));
        return FollowRedirects == 0 ? base.SendAsync(request, cancellationToken) : SendFollowingRedirectsAsync(request, cancellationToken);
    }

    /// <summary>Sends with the token attached; the caller removes it once the send completes.</summary>
    private Task<HttpResponseMessage> SendWithToken(HttpRequestMessage request, AccessToken token, CancellationToken cancellationToken)
    {
        // A token bound to a certificate goes only out on a connection that presents it (RFC 8705 section 3). Only a provider
        // with a certificate gets bound tokens: any other skips the check.
        if (Certificates is not null && !ReferenceEquals(token, _sendable) && Unsendable(token) is { } refused)
        {
            return Task.FromException<HttpResponseMessage>(refused);
        }

        request.Headers.Authorization = token.HeaderValue;
        try
        {
            if (token.ProofKey is { } key)
            {
                AttachProof(request, token, key);
            }

            return FollowRedirects == 0 ? base.SendAsync(request, cancellationToken) : SendFollowingRedirectsAsync(request, cancellationToken);
        }
        catch
        {
            request.Headers.Authorization = null;
            if (token.ProofKey is not null)
            {
                EndProof(request, token, null);
            }

            throw;
        }
    }

    private async Task<HttpResponseMessage> SendWithPendingTokenAsync(HttpRequestMessage request, TokenContext? context, ValueTask<AccessToken> pendingToken, CancellationToken cancellationToken)
    {
        context ??= TokenContextOption.ReadOrCreate(request);
        var token = await pendingToken.ConfigureAwait(false);

        // The request is the caller's while the token was on its way: check its address again.
        var target = request.RequestUri;
        if (!_allowedOrigins.Allows(target))
        {
            return await SendWithoutToken(request, cancellationToken).ConfigureAwait(false);
        }

        return await CompleteAsync(request, target, context, token, SendWithToken(request, token, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Awaits the response of a send that carried the token; only a 401 goes on to the slower path.</summary>
    private async Task<HttpResponseMessage> CompleteAsync(HttpRequestMessage request, Uri? target, TokenContext? context, AccessToken sent, Task<HttpResponseMessage> pendingResponse, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        var stripped = false;
        try
        {
            response = await pendingResponse.ConfigureAwait(false);
            stripped = request.Headers.Authorization is null;
        }
        finally
        {
            request.Headers.Authorization = null;
            if (sent.ProofKey is not null)
            {
                EndProof(request, sent, response);
            }
        }

        return response.StatusCode == HttpStatusCode.Unauthorized
            ? await AfterUnauthorizedAsync(request, target, context, sent, response, stripped, cancellationToken).ConfigureAwait(false)
            : response;
    }

    /// <summary>A 401 came back for a request that carried <paramref name="sent"/>: drop that token and resend once.</summary>
    private async Task<HttpResponseMessage> AfterUnauthorizedAsync(HttpRequestMessage request, Uri? target, TokenContext? context, AccessToken sent, HttpResponseMessage response, bool stripped, CancellationToken cancellationToken)
    {
        // A request that named its user by id gets that user's context here, off the hot path.
        context ??= TokenContextOption.ReadOrCreate(request);
        // A redirect drops the header (on the same origin, and back to the same address, too) and may rewrite RequestUri:
        // the 401 of a redirected request never saw the token, says nothing about it, and must neither drop it nor draw
        // it to the new address on a resend. `stripped`: the header was gone when the response came back.
        var answeredBy = request.RequestUri;
        if (stripped || (!ReferenceEquals(target, answeredBy) && target != answeredBy) || !_allowedOrigins.Allows(answeredBy))
        {
            Log.UnauthorizedFromAnotherOrigin(_logger, _provider.Name, OriginSet.Describe(answeredBy));
            return response;
        }

        // A DPoP API that wants a nonce (RFC 9449 section 9) refused the proof, not the token: resend once with its nonce.
        if (sent.ProofKey is not null && DPoPChallenge.AsksForNonce(response) && CanResend(request.Content))
        {
            return await ResendWithNonceAsync(request, sent, response, cancellationToken).ConfigureAwait(false);
        }

        // Drop exactly the token this request carried: a newer one another caller fetched stays. A request whose
        // content cannot be sent twice goes back to the caller with its 401; the next request gets a new token.
        await _provider.InvalidateAsync(sent, context, cancellationToken).ConfigureAwait(false);
        if (!CanResend(request.Content))
        {
            return response;
        }

        var fresh = await _provider.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        if (fresh.Equals(sent) || !_allowedOrigins.Allows(request.RequestUri))
        {
            return response;
        }

        Log.RetryingAfterUnauthorized(_logger, _provider.Name);
        ((_provider as Caching.TokenProvider)?.Metrics ?? TokenClientsMetrics.Default).RecordUnauthorizedRetry(_provider.Name);
        response.Dispose();

        // Resent once; a second 401 goes back to the caller.
        var retried = await SendOnceMoreAsync(request, fresh, cancellationToken).ConfigureAwait(false);

        if (retried.StatusCode != HttpStatusCode.Unauthorized && _provider is Caching.IRejectionFeedback feedback)
        {
            // The replacement works: a later rejection of it is news, not an API that refuses every token.
            feedback.Accepted(fresh, context);
        }

        return retried;
    }
}
