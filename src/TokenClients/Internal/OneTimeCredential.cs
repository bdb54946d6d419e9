namespace TokenClients.Internal;

/// <summary>The kind of single-use credential a token request carries.</summary>
internal enum OneTimeCredentialKind
{
    /// <summary>An authorization code (RFC 6749 section 4.1.2: it must not be used more than once).</summary>
    AuthorizationCode,

    /// <summary>A refresh token, which a server may rotate (invalidate) on its first use.</summary>
    RefreshToken,
}

/// <summary>
/// Marks a token request message that carries a credential the server may accept only once, and remembers whether an
/// attempt may have delivered it. One instance is shared by every attempt of the message (copies of the message's
/// options share it), so a later attempt sees what an earlier one did.
/// </summary>
internal sealed class OneTimeCredential
{
    /// <summary>The request option that carries the mark.</summary>
    public static readonly HttpRequestOptionsKey<OneTimeCredential> Key = new("TokenClients.OneTimeCredential");

    private string? _deliveredBecause;

    private OneTimeCredential(OneTimeCredentialKind kind) => Kind = kind;

    public OneTimeCredentialKind Kind { get; }

    /// <summary>Gets the credential's name for messages.</summary>
    public string Name => Kind == OneTimeCredentialKind.AuthorizationCode ? "authorization code" : "refresh token";

    /// <summary>Gets why an earlier attempt may have delivered the credential, or <see langword="null"/> when none can have.</summary>
    public string? DeliveredBecause => Volatile.Read(ref _deliveredBecause);

    /// <summary>Marks <paramref name="request"/> as carrying a one-time credential of <paramref name="kind"/>.</summary>
    public static void Mark(HttpRequestMessage request, OneTimeCredentialKind kind) => request.Options.Set(Key, new OneTimeCredential(kind));

    /// <summary>Records that an attempt may have delivered the credential; the first reason is kept.</summary>
    public void MayHaveBeenDelivered(string because, bool answered = false)
    {
        if (Interlocked.CompareExchange(ref _deliveredBecause, because, null) is null && answered)
        {
            Answered = true;
        }
    }

    /// <summary>Gets a value indicating whether the attempt that may have delivered the credential got an answer (even a 5xx).</summary>
    public bool Answered { get; private set; }
}
