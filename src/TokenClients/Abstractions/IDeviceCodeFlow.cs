using System.Globalization;

namespace TokenClients;

/// <summary>
/// Signs a user in with the device authorization grant (RFC 8628): <see cref="StartAsync"/> gets a user code and the
/// address where the user enters it (on a phone or a browser elsewhere); <see cref="CompleteAsync"/> polls the token
/// endpoint until the user approved, honouring the server's interval and <c>slow_down</c>, and stores the token set for
/// the subject in the <see cref="ITokenStore"/>. The provider then serves and refreshes the user's tokens for
/// <see cref="TokenContext.ForSubject"/>. Registered as a keyed service under the provider name.
/// </summary>
/// <remarks>
/// Thread-safe. Each started authorization is completed at most once: its device code is a one-time credential, so a
/// second <see cref="CompleteAsync"/> of the same authorization is refused instead of racing the first. Waits between
/// polls go through the container's <see cref="TimeProvider"/>. The device code is never logged nor shown; show the
/// user code and the verification address to the user only.
/// </remarks>
public interface IDeviceCodeFlow
{
    /// <summary>Starts a sign-in for <paramref name="subject"/>: asks the server for a device code and a user code.</summary>
    /// <param name="subject">The account the resulting tokens will belong to.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>What to show the user, and what <see cref="CompleteAsync"/> needs.</returns>
    /// <exception cref="TokenRequestException">The device authorization endpoint refused the request or could not be reached.</exception>
    Task<DeviceAuthorization> StartAsync(string subject, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the user to approve <paramref name="authorization"/>: polls the token endpoint every
    /// <see cref="DeviceAuthorization.Interval"/> (5 seconds more after each <c>slow_down</c>) until it issues tokens, then
    /// stores them for <see cref="DeviceAuthorization.Subject"/>.
    /// </summary>
    /// <param name="authorization">The started sign-in.</param>
    /// <param name="cancellationToken">Stops polling.</param>
    /// <returns>The subject and its new token set.</returns>
    /// <exception cref="DeviceCodeFlowException">The user denied the request (<c>access_denied</c>), or the device code expired before the user approved it (<c>expired_token</c>).</exception>
    /// <exception cref="TokenRequestException">The token endpoint answered another error or could not be reached.</exception>
    /// <exception cref="InvalidOperationException">This authorization is already being completed, or was.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<AuthorizationResult> CompleteAsync(DeviceAuthorization authorization, CancellationToken cancellationToken = default);
}

/// <summary>
/// A started device sign-in: what to show the user (<see cref="UserCode"/>, <see cref="VerificationUri"/>) and until
/// when. It also holds the device code, which it never exposes. <see cref="ToString"/> prints neither code.
/// </summary>
public sealed class DeviceAuthorization
{
    private int _completing;

    internal DeviceAuthorization(string providerName, string subject, string deviceCode, string userCode, Uri verificationUri, Uri? verificationUriComplete, DateTimeOffset expiresAt, TimeSpan interval)
    {
        ProviderName = providerName;
        Subject = subject;
        DeviceCode = deviceCode;
        UserCode = userCode;
        VerificationUri = verificationUri;
        VerificationUriComplete = verificationUriComplete;
        ExpiresAt = expiresAt;
        Interval = interval;
    }

    /// <summary>Gets the provider the sign-in belongs to.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the account the tokens will be stored for.</summary>
    public string Subject { get; }

    /// <summary>Gets the code the user enters at <see cref="VerificationUri"/>. Show it to the user; do not log it.</summary>
    public string UserCode { get; }

    /// <summary>Gets the address where the user enters <see cref="UserCode"/>.</summary>
    public Uri VerificationUri { get; }

    /// <summary>Gets the address that carries the user code already (for a link or a QR code), when the server gave one.</summary>
    public Uri? VerificationUriComplete { get; }

    /// <summary>Gets when the device code expires: the user must approve before then.</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Gets how long to wait between polls, as the server asked (5 seconds when it said nothing).</summary>
    public TimeSpan Interval { get; }

    /// <summary>Gets the device code: a secret that only the token endpoint may see.</summary>
    internal string DeviceCode { get; }

    /// <summary>Claims the authorization for one completion; <see langword="false"/> when it was claimed before.</summary>
    internal bool TryClaim() => Interlocked.Exchange(ref _completing, 1) == 0;

    /// <summary>Describes the sign-in without its codes.</summary>
    /// <returns>A description without secrets.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"DeviceAuthorization {{ Provider = {ProviderName}, VerificationUri = {VerificationUri}, ExpiresAt = {ExpiresAt:O}, Interval = {Interval} }}");
}

/// <summary>Why a device sign-in ended without tokens.</summary>
public enum DeviceCodeFailure
{
    /// <summary>The user denied the request (<c>access_denied</c>).</summary>
    AccessDenied,

    /// <summary>The device code expired before the user approved it (<c>expired_token</c>, or its lifetime passed while polling).</summary>
    Expired,
}

/// <summary>A device sign-in ended without tokens because of the user (denied) or the clock (expired): start a new one.</summary>
public sealed class DeviceCodeFlowException : InteractionRequiredException
{
    /// <summary>Initializes a new instance of the <see cref="DeviceCodeFlowException"/> class.</summary>
    public DeviceCodeFlowException()
        : this("The device sign-in ended without tokens; start a new one.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeviceCodeFlowException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    public DeviceCodeFlowException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeviceCodeFlowException"/> class.</summary>
    /// <param name="message">The message; it must not contain a secret.</param>
    /// <param name="innerException">The cause.</param>
    public DeviceCodeFlowException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DeviceCodeFlowException"/> class.</summary>
    /// <param name="providerName">The provider.</param>
    /// <param name="subject">The subject of the sign-in; kept in <see cref="InteractionRequiredException.Subject"/>, never in the message.</param>
    /// <param name="failure">Why the sign-in ended.</param>
    /// <param name="innerException">The token endpoint's answer, when it said so.</param>
    public DeviceCodeFlowException(string providerName, string? subject, DeviceCodeFailure failure, TokenRequestException? innerException = null)
        : base(providerName, subject, failure == DeviceCodeFailure.AccessDenied
            ? "The user denied the device sign-in; start a new one"
            : "The device code expired before the user approved it; start a new sign-in", innerException)
    {
        Failure = failure;
    }

    /// <summary>Gets why the sign-in ended.</summary>
    public DeviceCodeFailure Failure { get; }
}
