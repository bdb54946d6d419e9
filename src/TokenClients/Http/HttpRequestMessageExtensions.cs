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
}
