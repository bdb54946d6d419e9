using System.Net;

namespace TokenClients.IntegrationTests.Support.VendorCases;

/// <summary>How a vendor's token endpoint refuses a credential, as its page documents it.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Error">The OAuth error code; <see langword="null"/> when the vendor's error shape has none.</param>
/// <param name="Description">The error description when the page states it; <see langword="null"/> to leave it unchecked.</param>
public sealed record VendorRefusal(HttpStatusCode Status, string? Error, string? Description = null)
{
    /// <summary>Checks that the exception reports this refusal.</summary>
    public void AssertMatches(TokenRequestException exception)
    {
        Assert.Equal(Status, exception.StatusCode);
        Assert.Equal(Error, exception.Error);
        if (Description is not null)
        {
            Assert.Equal(Description, exception.ErrorDescription);
        }
    }
}
