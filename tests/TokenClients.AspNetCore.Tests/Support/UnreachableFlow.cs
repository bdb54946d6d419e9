namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>A sign-in flow whose provider cannot be reached: every start fails as a token request does.</summary>
internal sealed class UnreachableFlow : IAuthorizationCodeFlow
{
    public ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default) =>
        ValueTask.FromException<AuthorizationRequest>(new TokenRequestException("crm", null, "temporarily_unavailable", null, "The discovery document could not be read"));

    public Task<AuthorizationResult> CompleteAsync(Uri callbackUri, string expectedSubject, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<SignOutResult> SignOutAsync(string subject, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
