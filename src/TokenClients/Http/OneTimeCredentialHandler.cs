using System.Globalization;
using TokenClients.Internal;

namespace TokenClients;

/// <summary>
/// Sits inside the resilience pipeline of a token endpoint HttpClient, next to the attempt: a request that carries a
/// one-time credential (<see cref="OneTimeCredential"/>) is sent again only when the earlier attempt provably delivered
/// nothing (the connection could not be established). Once an attempt may have reached the server — it answered, even
/// with a 5xx; the attempt timed out or the connection dropped after sending — a later attempt is refused with a
/// <see cref="CredentialNotResentException"/>, which no retry strategy treats as transient. This holds whatever
/// <c>ShouldHandle</c> the retry strategy was given.
/// </summary>
/// <param name="reusableRefreshTokens">Whether the provider's refresh tokens may be used more than once.</param>
/// <param name="attemptTimeout">The pipeline's attempt timeout, named when an attempt was cut short.</param>
internal sealed class OneTimeCredentialHandler(Func<bool> reusableRefreshTokens, Func<TimeSpan> attemptTimeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(OneTimeCredential.Key, out var credential)
            || (credential.Kind == OneTimeCredentialKind.RefreshToken && reusableRefreshTokens()))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        if (credential.DeliveredBecause is { } because)
        {
            throw new CredentialNotResentException(credential.Name, because) { Answered = credential.Answered };
        }

        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException exception) when (NothingDelivered(exception))
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Only the attempt timeout leads to another attempt: the caller's cancellation and the total timeout end the request.
            credential.MayHaveBeenDelivered($"the attempt timeout ({TokenEndpointFailure.Seconds(attemptTimeout())}) elapsed after the request was sent");
            throw;
        }
        catch (Exception exception)
        {
            credential.MayHaveBeenDelivered(TokenEndpointFailure.Nested(TokenEndpointFailure.Describe(exception, null).Detail));
            throw;
        }

        credential.MayHaveBeenDelivered(string.Create(CultureInfo.InvariantCulture, $"the token endpoint answered HTTP {(int)response.StatusCode}"), answered: true);
        return response;
    }

    /// <summary>Failures that happen before a request byte can have left: no connection, no name, no TLS session.</summary>
    private static bool NothingDelivered(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
}

/// <summary>A one-time credential was not sent again because an earlier attempt may have delivered it.</summary>
internal sealed class CredentialNotResentException : Exception
{
    public CredentialNotResentException(string credential, string because)
        : base($"The {credential} was not sent again: an earlier attempt may have reached the token endpoint ({because}), and the server may already have used it")
    {
    }

    public CredentialNotResentException()
    {
    }

    /// <summary>Gets a value indicating whether the attempt that may have delivered the credential was answered: the request is over.</summary>
    public bool Answered { get; init; }

    public CredentialNotResentException(string message)
        : base(message)
    {
    }

    public CredentialNotResentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
