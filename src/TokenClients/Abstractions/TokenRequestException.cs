using System.Net;
using System.Text;

namespace TokenClients;

/// <summary>
/// A token could not be obtained: the token endpoint refused the request, answered something unusable,
/// or could not be reached. The message names the provider, the status and the OAuth error, never a secret.
/// </summary>
public class TokenRequestException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    public TokenRequestException()
        : this("A token could not be obtained.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    public TokenRequestException(string message)
        : base(message)
    {
        ProviderName = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public TokenRequestException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ProviderName = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="TokenRequestException"/> class.</summary>
    /// <param name="providerName">The provider that failed.</param>
    /// <param name="statusCode">The HTTP status of the token endpoint's answer, if one came.</param>
    /// <param name="error">The OAuth <c>error</c> code, if any.</param>
    /// <param name="errorDescription">The <c>error_description</c> (or the vendor's equivalent), if any.</param>
    /// <param name="detail">What went wrong, for a person; must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public TokenRequestException(string providerName, HttpStatusCode? statusCode, string? error, string? errorDescription, string? detail = null, Exception? innerException = null)
        : base(FormatMessage(providerName, statusCode, error, errorDescription, detail), innerException)
    {
        ProviderName = providerName;
        StatusCode = statusCode;
        Error = error;
        ErrorDescription = errorDescription;
    }

    /// <summary>Gets the name of the provider whose token request failed.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the HTTP status of the token endpoint's answer, or <see langword="null"/> when none came.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the OAuth <c>error</c> code (for example <c>invalid_grant</c>), when the endpoint sent one.</summary>
    public string? Error { get; }

    /// <summary>Gets the endpoint's description of the error, when it sent one.</summary>
    public string? ErrorDescription { get; }

    /// <summary>Gets a link to a page about the error (<c>error_uri</c>), when the endpoint sent one.</summary>
    public Uri? ErrorUri { get; init; }

    /// <summary>
    /// Gets a value indicating whether the endpoint rejected the grant itself (an <c>invalid_grant</c>, or a
    /// 400/401/403 without an OAuth error): retrying the same grant is pointless.
    /// </summary>
    public bool IsGrantRejected =>
        string.Equals(Error, "invalid_grant", StringComparison.Ordinal)
        || (Error is null && StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);

    private static string FormatMessage(string providerName, HttpStatusCode? statusCode, string? error, string? errorDescription, string? detail)
    {
        var message = new StringBuilder("Token request for provider '").Append(providerName).Append("' failed");
        if (statusCode is { } status)
        {
            message.Append(": HTTP ").Append((int)status).Append(' ').Append(status);
        }

        if (error is not null)
        {
            message.Append(", error '").Append(error).Append('\'');
        }

        if (errorDescription is not null)
        {
            message.Append(" (").Append(errorDescription).Append(')');
        }

        if (detail is not null)
        {
            message.Append(". ").Append(detail);
        }

        return message.Append('.').ToString();
    }
}
