
namespace TokenClients;

/// <summary>
/// Only a person can fix this: the user must sign in (again) through the authorization-code flow,
/// because no token set is stored for the subject or its refresh token was rejected.
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
    /// <param name="subject">The subject that must sign in, if known.</param>
    /// <param name="detail">Why, for a person; must not contain a secret.</param>
    /// <param name="innerException">The cause, such as the rejected refresh.</param>
    public InteractionRequiredException(string providerName, string? subject, string detail, TokenRequestException? innerException = null)
        : base(providerName, innerException?.StatusCode, innerException?.Error ?? "interaction_required", innerException?.ErrorDescription,
            $"{detail} The user{(subject is null ? string.Empty : $" '{subject}'")} must sign in again", innerException)
    {
        Subject = subject;
    }

    /// <summary>Gets the subject that must sign in, when known.</summary>
    public string? Subject { get; }
}
