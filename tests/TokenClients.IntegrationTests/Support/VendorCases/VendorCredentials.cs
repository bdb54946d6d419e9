namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>The credentials a case registers its provider with; each vendor uses the ones its options have.</summary>
/// <param name="ClientId">The client id (OLI: its public client, <c>apiclient</c>, unless another is given).</param>
/// <param name="Secret">The client secret.</param>
/// <param name="User">The resource owner's user name.</param>
/// <param name="Password">The resource owner's password.</param>
public sealed record VendorCredentials(string ClientId, string Secret, string User, string Password)
{
    /// <summary>Gets the credentials every emulator accepts.</summary>
    public static VendorCredentials Demo { get; } = new("demo-client", "demo-secret", "alice", "alice-password");

    /// <summary>Gets a credential the emulators never accept; it must never appear in an error message.</summary>
    public const string WrongSecret = "wrong-secret-5f1c2a";

    /// <inheritdoc/>
    public override string ToString() => $"VendorCredentials {{ ClientId = {ClientId}, User = {User} }}";
}
