namespace TokenClients;

/// <summary>Settings of the <see cref="TokenHandler"/> attached to one HttpClient.</summary>
public sealed class TokenHandlerOptions
{
    /// <summary>
    /// Gets the origins (scheme, host and port) besides the client's <c>BaseAddress</c> that may receive the token.
    /// A request to any other origin is sent without it.
    /// </summary>
    public IList<Uri> AllowedOrigins { get; } = [];
}
