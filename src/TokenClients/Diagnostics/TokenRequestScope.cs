namespace TokenClients.Diagnostics;

/// <summary>
/// What one token request learns on its way down, for its span and its metrics: the grant the token client sent, the
/// HTTP attempts to the token endpoint and where they went. It flows with the execution context, so it is there with
/// or without a span listener, and only the token request's own HTTP traffic reaches it (discovery does not).
/// </summary>
internal sealed class TokenRequestScope(string grant)
{
    private static readonly AsyncLocal<TokenRequestScope?> Flowing = new();

    private int _attempts;

    /// <summary>Gets the scope of the token request the current code runs in, if any.</summary>
    public static TokenRequestScope? Current => Flowing.Value;

    /// <summary>Gets or sets the grant: the caller's (<c>request</c>, <c>refresh_token</c>) until the token client names its own.</summary>
    public string Grant { get; set; } = grant;

    /// <summary>Gets the number of HTTP attempts sent to the token endpoint.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Gets the provider's token client kind, once an attempt named it.</summary>
    public string? Kind { get; private set; }

    /// <summary>Gets the token endpoint's host, once an attempt was sent.</summary>
    public string? ServerAddress { get; private set; }

    /// <summary>Gets the token endpoint's port, once an attempt was sent.</summary>
    public int? ServerPort { get; private set; }

    /// <summary>
    /// Makes <paramref name="scope"/> current for the rest of the calling async method (an async method's changes to the
    /// execution context end with it), or none: HTTP requests sent meanwhile are not attempts of a token request.
    /// </summary>
    public static void Enter(TokenRequestScope? scope) => Flowing.Value = scope;

    /// <summary>Records one HTTP attempt to the token endpoint.</summary>
    public void Attempt(string? kind, Uri? endpoint)
    {
        Interlocked.Increment(ref _attempts);
        Kind = kind ?? Kind;
        if (endpoint is { IsAbsoluteUri: true })
        {
            ServerAddress = endpoint.IdnHost;
            ServerPort = endpoint.Port;
        }
    }
}
