namespace TokenClients;

/// <summary>
/// A sign-in callback reached a user other than the one the sign-in was started for (a login CSRF attempt, or a link
/// opened in another user's session). The sign-in is discarded; start it again as the signed-in user. The message
/// names neither user.
/// </summary>
public sealed class SignInMismatchException : TokenRequestException
{
    /// <summary>Initializes a new instance of the <see cref="SignInMismatchException"/> class.</summary>
    public SignInMismatchException()
        : this("The callback belongs to a sign-in started for another user.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SignInMismatchException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret or a user id.</param>
    public SignInMismatchException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SignInMismatchException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret or a user id.</param>
    /// <param name="innerException">The cause.</param>
    public SignInMismatchException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    private SignInMismatchException(string providerName, string? error, string detail)
        : base(providerName, null, error, null, detail)
    {
    }

    /// <summary>The mismatch of a sign-in of <paramref name="providerName"/>: error <c>invalid_state</c>, no user named.</summary>
    internal static SignInMismatchException For(string providerName) => new(providerName, "invalid_state",
        "The callback belongs to a sign-in started for another user; that sign-in has been discarded. Start the sign-in again as the signed-in user");
}
