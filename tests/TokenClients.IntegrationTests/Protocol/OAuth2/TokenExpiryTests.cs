using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>
/// Access tokens that really expire (two seconds, <see cref="ShortLivedOAuth2Server"/>): the provider gets a new
/// one before sending once the held one is past its use, without the API having to answer 401 first.
/// </summary>
public sealed class TokenExpiryTests(ShortLivedOAuth2Server server) : IClassFixture<ShortLivedOAuth2Server>
{
    private const string Secret = "expiry-client-secret";

    [Fact]
    public async Task Client_credentials_token_is_requested_again_after_the_token_expired()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(p => p.UseClientCredentials(o => Configure(o, clientId)));

        var first = await CallAcrossExpiryAsync(services);

        var exchanges = server.ExchangesOf(clientId);
        Assert.True(exchanges.Count >= 2, $"{exchanges.Count} token requests");
        Assert.All(exchanges, e => Assert.Equal(("client_credentials", null), (e.GrantType, e.Error)));
        Assert.NotEqual(first, server.ApiCalls.Last().Token);
    }

    [Fact]
    public async Task Password_token_is_refreshed_after_the_token_expired()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(p => p.UsePassword(o =>
        {
            Configure(o, clientId);
            o.Username = OAuth2Server.Username;
            o.Password = OAuth2Server.Password;
            o.Scope = "offline_access";
        }));

        var first = await CallAcrossExpiryAsync(services);

        var exchanges = server.ExchangesOf(clientId);
        Assert.True(exchanges.Count >= 2, $"{exchanges.Count} token requests");
        Assert.Equal("password", exchanges[0].GrantType);
        Assert.All(exchanges.Skip(1), e => Assert.Equal(("refresh_token", null), (e.GrantType, e.Error)));
        Assert.NotEqual(first, server.ApiCalls.Last().Token);
    }

    private void Configure(OAuth2ClientOptions options, string clientId)
    {
        options.TokenEndpoint = server.TokenEndpoint;
        options.ClientId = clientId;
        options.ClientSecret = Secret;
    }

    private static async Task<HttpStatusCode> GetMeAsync(ServiceProvider services)
    {
        using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(new Uri("api/me", UriKind.Relative));
        return response.StatusCode;
    }

    private ServiceProvider Build(Action<ITokenProviderBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", configure);
        services.AddHttpClient("api", c => c.BaseAddress = server.Address).AddTokenHandler("idp");
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Calls the API, waits until the token is expired for both the provider and the server, checks the server
    /// refuses it, then calls again through the library.
    /// </summary>
    /// <returns>The first access token.</returns>
    private async Task<string> CallAcrossExpiryAsync(ServiceProvider services)
    {
        var held = await services.GetRequiredKeyedService<ITokenProvider>("idp").GetTokenAsync();
        Assert.Equal(HttpStatusCode.OK, await GetMeAsync(services));
        var first = held.Value;
        Assert.Equal(first, server.ApiCalls.Last().Token);

        // The server's expiry (JWT exp, whole seconds) and the provider's (expires_in from receipt) differ slightly: pass both.
        var serverExpiry = new DateTimeOffset(new JsonWebToken(first).ValidTo, TimeSpan.Zero);
        var until = (serverExpiry > held.ExpiresAt ? serverExpiry : held.ExpiresAt) + TimeSpan.FromMilliseconds(100);
        var wait = until - TimeProvider.System.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            Assert.True(wait <= ShortLivedOAuth2Server.Lifetime + TimeSpan.FromSeconds(1), $"waiting {wait} for a token of {ShortLivedOAuth2Server.Lifetime}");
            await Task.Delay(wait, TimeProvider.System);
        }

        using (var plain = server.CreatePlainClient())
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/me"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first);
            using var refused = await plain.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        var callsBefore = server.ApiCalls.Count;
        Assert.Equal(HttpStatusCode.OK, await GetMeAsync(services));

        // One call, accepted: the expired token was not sent and refused first.
        var call = Assert.Single(server.ApiCalls.Skip(callsBefore));
        Assert.True(call.Accepted);
        return first;
    }
}
