
namespace TokenClients;

/// <summary>
/// Only a person can fix this: the user must sign in (again) through the authorization-code flow,
/// because no token set is stored for the subject (the user has not signed in) or its refresh token was rejected.
/// The message never names the user: read <see cref="Subject"/>.
/// </summary>
public class InteractionRequiredException : TokenRequestException
{
    /// <summary>Initializes a new instance of the <see cref="InteractionRequiredException"/> class.</summary>
    public InteractionRequiredException()
        : this("A person must sign in again.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InteractionRequiredException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    public InteractionRequiredException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InteractionRequiredException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public InteractionRequiredException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="InteractionRequiredException"/> class.</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">
    /// The subject that must sign in, if known; kept in <see cref="Subject"/>, never in the message (which ends up in logs).
    /// </param>
    /// <param name="detail">
    /// Why, and what the user must do (the user has not signed in, or must sign in again), for a person; must not contain
    /// a secret or the subject.
    /// </param>
    /// <param name="innerException">The cause, such as the rejected refresh.</param>
    public InteractionRequiredException(string providerName, string? subject, string detail, TokenRequestException? innerException = null)
        : base(providerName, innerException?.StatusCode, innerException?.Error ?? "interaction_required", innerException?.ErrorDescription, detail, innerException)
    {
        Subject = subject;
    }

    /// <summary>Gets the subject that must sign in, when known.</summary>
    public string? Subject { get; }
}
