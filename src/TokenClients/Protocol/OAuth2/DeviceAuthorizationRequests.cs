using System.Net;
using Duende.IdentityModel.Client;

namespace TokenClients.OAuth2;

/// <summary>What a device authorization endpoint answered (RFC 8628 section 3.2). The device code is a secret: never logged.</summary>
internal sealed record DeviceAuthorizationAnswer(string DeviceCode, string UserCode, Uri VerificationUri, Uri? VerificationUriComplete, TimeSpan ExpiresIn, TimeSpan Interval)
{
    /// <inheritdoc/>
    public override string ToString() => $"DeviceAuthorizationAnswer {{ VerificationUri = {VerificationUri}, ExpiresIn = {ExpiresIn}, Interval = {Interval} }}";
}

/// <summary>The device authorization request (RFC 8628 section 3.1), with the client authentication of the token requests.</summary>
internal abstract partial class OAuth2TokenClient<TOptions>
{
    /// <summary>The polling interval when the server names none (RFC 8628 section 3.2).</summary>
    internal static readonly TimeSpan DefaultDeviceInterval = TimeSpan.FromSeconds(5);

    /// <summary>Asks <paramref name="endpoint"/>, or the discovered <c>device_authorization_endpoint</c>, for a device and a user code.</summary>
    /// <exception cref="TokenRequestException">No endpoint is known, it could not be reached, it refused, or its answer is incomplete.</exception>
    protected async Task<DeviceAuthorizationAnswer> RequestDeviceAuthorizationAsync(Uri? endpoint, CancellationToken cancellationToken)
    {
        var address = endpoint?.AbsoluteUri ?? (_discovery is null ? null : (await DiscoverAsync().ConfigureAwait(false)).DeviceAuthorizationEndpoint)
            ?? throw new TokenRequestException(ProviderName, null, null, null, "No device authorization endpoint is known (none is configured, and the discovery document names no device_authorization_endpoint); set DeviceAuthorizationEndpoint");
        using var request = new DeviceAuthorizationRequest { Address = address, Scope = Options.Scope };
        if (Options.Resource is { Length: > 0 } resource)
        {
            request.Parameters.Add("resource", resource);
        }

        await AuthenticateAsync(request, elsewhere: true).ConfigureAwait(false);
        DeviceAuthorizationResponse response;
        try
        {
            response = await CreateHttpClient().RequestDeviceAuthorizationAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(exception);
        }

        HttpStatusCode? status = response.HttpResponse is null ? null : response.HttpStatusCode;
        if (response.IsError)
        {
            if (response.ErrorType == ResponseErrorType.Exception && status is null)
            {
                if (response.Exception is OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    throw response.Exception;
                }

                throw Unreachable(response.Exception);
            }

            throw new TokenRequestException(ProviderName, status, response.ErrorType == ResponseErrorType.Protocol ? response.Error : null,
                response.ErrorType == ResponseErrorType.Protocol ? response.ErrorDescription : null, "The device authorization endpoint refused the request", response.Exception);
        }

        if (response.DeviceCode is not { Length: > 0 } deviceCode || response.UserCode is not { Length: > 0 } userCode
            || !Uri.TryCreate(response.VerificationUri, UriKind.Absolute, out var verification))
        {
            throw new TokenRequestException(ProviderName, status, null, null, "The device authorization endpoint's answer lacks device_code, user_code or an absolute verification_uri");
        }

        // The user code and the addresses are shown to a person, often on a terminal: control characters (escape
        // sequences, line breaks) would rewrite what the person sees.
        if (userCode.Any(char.IsControl) || response.VerificationUri!.Any(char.IsControl) || response.VerificationUriComplete?.Any(char.IsControl) == true)
        {
            throw new TokenRequestException(ProviderName, status, null, null, "The device authorization endpoint's user_code or verification_uri holds control characters; it is not shown");
        }

        Uri.TryCreate(response.VerificationUriComplete, UriKind.Absolute, out var complete);

        // expires_in is required; a server that leaves it out gets the lifetime RFC 8628's examples use, so polling ends.
        var expiresIn = response.ExpiresIn is > 0 and var seconds ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(10);
        var interval = response.Json is { } json && json.TryGetProperty("interval", out var value) && value.TryGetInt32(out var given) && given > 0
            ? TimeSpan.FromSeconds(given)
            : DefaultDeviceInterval;
        return new DeviceAuthorizationAnswer(deviceCode, userCode, verification, complete, expiresIn, interval);
    }
}
