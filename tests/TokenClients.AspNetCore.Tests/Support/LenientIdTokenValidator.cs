using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>
/// The emulator's ID token is a copy of its access token's claims (no <c>iss</c>, <c>aud</c> or <c>nonce</c>, no
/// signature): enough to name the user, which is all these tests need of the sign-in. Never in an application.
/// </summary>
internal sealed class LenientIdTokenValidator : OpenIdConnectProtocolValidator
{
    public LenientIdTokenValidator()
    {
        RequireNonce = false;
        RequireStateValidation = false;
    }

    protected override void ValidateIdToken(OpenIdConnectProtocolValidationContext validationContext)
    {
    }
}
