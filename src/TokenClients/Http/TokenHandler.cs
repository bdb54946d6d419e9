using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TokenClients.Diagnostics;

namespace TokenClients;

/// <summary>
/// A <see cref="DelegatingHandler"/> that attaches the provider's access token as <c>Authorization</c>,
/// and on a 401 to that token drops it, gets a new one and resends the request once.
/// </summary>
/// <remarks>
/// <para>Policy (caching, refresh) lives in the <see cref="ITokenProvider"/>; this handler only reads from it.
/// A cached token costs one dictionary lookup and one header assignment.</para>
/// <para>Fails closed: when no token can be had, the request is not sent and the caller gets the
/// <see cref="TokenRequestException"/>.</para>
/// <para>A token goes only to the allowed origins (the client's <c>BaseAddress</c> and
/// <see cref="TokenHandlerOptions.AllowedOrigins"/>); a request to any other origin is sent without it.</para>
/// </remarks>
public sealed class TokenHandler : DelegatingHandler
{
    /// <summary>The request option that carries a per-request <see cref="TokenContext"/>; set it with <c>WithTokenContext</c>.</summary>
    internal static readonly HttpRequestOptionsKey<TokenContext> ContextKey = new("TokenClients.TokenContext");

    // HttpRequestMessage.Options allocates on first read: read it only once some request has carried a context.
    private static volatile bool s_contextsInUse;

    private readonly ITokenProvider _provider;
    private readonly OriginSet _allowedOrigins;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="TokenHandler"/> class.</summary>
    /// <param name="provider">Where tokens come from.</param>
    /// <param name="allowedOrigins">
    /// The origins (scheme, host, port) that may receive the token; <see langword="null"/> sends it to every origin,
    /// which suits only a client that talks to a single API.
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
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_allowedOrigins.Allows(request.RequestUri))
        {
            Log.OriginNotAllowed(_logger, _provider.Name, OriginSet.Describe(request.RequestUri));
            request.Headers.Authorization = null;
            return base.SendAsync(request, cancellationToken);
        }

        TokenContext? context = null;
        if (s_contextsInUse)
        {
            request.Options.TryGetValue(ContextKey, out context);
        }

        var pendingToken = _provider.GetTokenAsync(context, cancellationToken);
        if (!pendingToken.IsCompletedSuccessfully)
        {
            return SendWithPendingTokenAsync(request, context, pendingToken, cancellationToken);
        }

        var token = pendingToken.Result;
        request.Headers.Authorization = token.HeaderValue;
        var pendingResponse = base.SendAsync(request, cancellationToken);
        return pendingResponse.IsCompletedSuccessfully && pendingResponse.Result.StatusCode != HttpStatusCode.Unauthorized
            ? pendingResponse
            : HandleResponseAsync(request, context, token, pendingResponse, cancellationToken);
    }

    /// <summary>Notes that requests carry contexts from now on.</summary>
    internal static void ContextsInUse() => s_contextsInUse = true;

    private static bool CanResend(HttpContent? content) =>
        content is null or ByteArrayContent or ReadOnlyMemoryContent or JsonContent;

    private async Task<HttpResponseMessage> SendWithPendingTokenAsync(HttpRequestMessage request, TokenContext? context, ValueTask<AccessToken> pendingToken, CancellationToken cancellationToken)
    {
        var token = await pendingToken.ConfigureAwait(false);
        request.Headers.Authorization = token.HeaderValue;
        return await HandleResponseAsync(request, context, token, base.SendAsync(request, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> HandleResponseAsync(HttpRequestMessage request, TokenContext? context, AccessToken sent, Task<HttpResponseMessage> pendingResponse, CancellationToken cancellationToken)
    {
        var response = await pendingResponse.ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !CanResend(request.Content))
        {
            return response;
        }

        // Drop exactly the token this request carried: a newer one another caller fetched stays.
        await _provider.InvalidateAsync(sent, context, cancellationToken).ConfigureAwait(false);
        var fresh = await _provider.GetTokenAsync(context, cancellationToken).ConfigureAwait(false);
        if (fresh.Equals(sent))
        {
            return response;
        }

        Log.RetryingAfterUnauthorized(_logger, _provider.Name);
        TokenClientsDiagnostics.RecordUnauthorizedRetry(_provider.Name);
        response.Dispose();
        request.Headers.Authorization = fresh.HeaderValue;

        // Resent once; a second 401 goes back to the caller.
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
