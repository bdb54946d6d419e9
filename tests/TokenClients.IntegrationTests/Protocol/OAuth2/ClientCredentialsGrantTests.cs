using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>The <c>client_credentials</c> grant against a real OAuth2 server (OpenIddict).</summary>
public sealed class ClientCredentialsGrantTests(OAuth2Server server) : IClassFixture<OAuth2Server>
{
    // Reserved and special characters: client_secret_basic must form-encode them before Base64 (RFC 6749 section 2.3.1).
    private const string Secret = "s3cret:with/special+chars&=%";

    [Fact]
    public async Task Token_from_the_configured_token_endpoint_is_accepted_by_the_api()
    {
        var clientId = await server.AddClientAsync(Secret);
        var fetchesBefore = server.DiscoveryFetches;
        await using var services = Build(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
            o.Scope = OAuth2Server.ApiScope;
        });

        var body = await GetMeAsync(services);
        var secondBody = await GetMeAsync(services);

        Assert.Equal(clientId, body);
        Assert.Equal(clientId, secondBody);
        var exchange = Assert.Single(server.ExchangesOf(clientId));
        Assert.Equal(("client_credentials", null), (exchange.GrantType, exchange.Error));
        Assert.Equal(fetchesBefore, server.DiscoveryFetches);
    }

    [Fact]
    public async Task Authority_discovery_document_is_fetched_once_for_several_token_requests()
    {
        var clientId = await server.AddClientAsync(Secret);
        var fetchesBefore = server.DiscoveryFetches;
        await using var services = Build(o =>
        {
            o.Authority = server.Address;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
        });
        var api = Api(services);

        // Three contexts, three cached tokens: three token requests.
        foreach (var scope in new[] { OAuth2Server.ApiScope, OAuth2Server.ReportsScope, $"{OAuth2Server.ApiScope} {OAuth2Server.ReportsScope}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/me").WithTokenContext(new TokenContext(scope: scope));
            using var response = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(3, server.ExchangesOf(clientId).Count(e => e is { GrantType: "client_credentials", Error: null }));
        Assert.Equal(1, server.DiscoveryFetches - fetchesBefore);
    }

    [Fact]
    public async Task Client_secret_basic_sends_the_credentials_in_the_authorization_header()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretBasic;
        });

        Assert.Equal(clientId, await GetMeAsync(services));
        var exchange = Assert.Single(server.ExchangesOf(clientId));
        Assert.Equal(("client_secret_basic", null), (exchange.ClientAuthentication, exchange.Error));
    }

    [Fact]
    public async Task Client_secret_post_sends_the_credentials_in_the_form_body()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
            o.ClientAuthentication = ClientAuthenticationMethod.ClientSecretPost;
        });

        Assert.Equal(clientId, await GetMeAsync(services));
        var exchange = Assert.Single(server.ExchangesOf(clientId));
        Assert.Equal(("client_secret_post", null), (exchange.ClientAuthentication, exchange.Error));
    }

    [Theory]
    [InlineData(ClientAuthenticationMethod.ClientSecretBasic)]
    [InlineData(ClientAuthenticationMethod.ClientSecretPost)]
    public async Task Wrong_client_secret_fails_with_invalid_client_and_the_api_is_not_called(ClientAuthenticationMethod method)
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = "not-the-secret";
            o.ClientAuthentication = method;
        });
        var callsBefore = server.ApiCalls.Count;

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => GetMeAsync(services));

        Assert.Contains(exception.StatusCode, new HttpStatusCode?[] { HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized });
        Assert.Equal("invalid_client", exception.Error);
        Assert.DoesNotContain("not-the-secret", exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(callsBefore, server.ApiCalls.Count);
    }

    [Fact]
    public async Task Revoked_token_answered_401_is_replaced_by_a_new_one_and_the_request_succeeds()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
        });
        Assert.Equal(clientId, await GetMeAsync(services));
        var first = server.ApiCalls.Last().Token!;
        await server.RevokeAsync(first);

        Assert.Equal(clientId, await GetMeAsync(services));

        var calls = server.ApiCalls.Where(c => c.Subject == clientId || c.Token == first).ToList();
        Assert.Equal([(first, true), (first, false)], calls.Take(2).Select(c => (c.Token, c.Accepted)));
        var retry = calls[2];
        Assert.True(retry.Accepted);
        Assert.NotEqual(first, retry.Token);
        Assert.Equal(2, server.ExchangesOf(clientId).Count(e => e is { GrantType: "client_credentials", Error: null }));
    }

    private static HttpClient Api(ServiceProvider services) => services.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    private ServiceProvider Build(Action<ClientCredentialsOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UseClientCredentials(configure));
        services.AddHttpClient("api", c => c.BaseAddress = server.Address).AddTokenHandler("idp");
        return services.BuildServiceProvider();
    }

    private static async Task<string> GetMeAsync(ServiceProvider services)
    {
        using var response = await Api(services).GetAsync(new Uri("api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
