namespace TokenClients;

/// <summary>Per-request token selection for requests sent through a <see cref="TokenHandler"/>.</summary>
public static class HttpRequestMessageExtensions
{
    /// <summary>Sets the <see cref="TokenContext"/> (for example the user whose token to attach) for this request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="context">The context.</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage WithTokenContext(this HttpRequestMessage request, TokenContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        TokenContextOption.Write(request, context);
        return request;
    }

    /// <summary>
    /// Sends this request with the token of the user <paramref name="subject"/>, the same token as
    /// <c>WithTokenContext(TokenContext.ForSubject(subject))</c>: the per-request form, which finds a cached token without
    /// building a context.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="subject">The user's id (the subject the user signed in as).</param>
    /// <returns>The same request, for chaining.</returns>
    public static HttpRequestMessage WithTokenSubject(this HttpRequestMessage request, string subject)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(subject);
        TokenContextOption.WriteSubject(request, subject);
        return request;
    }
}
