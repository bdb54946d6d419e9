namespace TokenClients;

/// <summary>Settings of the <see cref="TokenHandler"/> attached to one HttpClient.</summary>
public sealed class TokenHandlerOptions
{
    /// <summary>
    /// Gets the origins (scheme, host and port) besides the client's <c>BaseAddress</c> that may receive the token.
    /// A request to any other origin is sent without it.
    /// </summary>
    public IList<Uri> AllowedOrigins { get; } = [];

    /// <summary>
    /// Gets or sets a value indicating whether every origin receives the token. Off by default: set it only for a
    /// client without a <c>BaseAddress</c> that talks to one API through absolute URLs.
    /// </summary>
    public bool AllowAnyOrigin { get; set; }
}
