using System.Net;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Standard;

/// <summary><c>UseClientCredentials</c> against the standard OAuth2 emulator, endpoints from its discovery document.</summary>
public sealed class ClientCredentialsProviderTests() : VendorFacts<StandardOAuth2Emulator, ClientCredentialsOptions>(new ClientCredentialsCase())
{
    [Fact]
    public async Task Client_secret_basic_is_the_default_and_scope_is_sent()
    {
        await AssertApiOkAsync();

        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.StartsWith("Basic ", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.False(request.Form.ContainsKey("client_secret"));
        Assert.Equal("api", request.Form["scope"]);
    }

    [Fact]
    public async Task Client_secret_post_sends_the_secret_in_the_body()
    {
        var services = await StartClientAsync(o => o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost);

        await AssertApiOkAsync(services);

        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.Equal("demo-secret", request.Form["client_secret"]);
    }
}
