using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>The resource-owner <c>password</c> grant and rotating refresh tokens against a real OAuth2 server (OpenIddict).</summary>
public sealed class PasswordGrantTests(OAuth2Server server) : IClassFixture<OAuth2Server>
{
    private const string Secret = "password-client-secret";

    [Fact]
    public async Task Password_grant_token_carries_the_user_and_comes_with_a_refresh_token()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(clientId, OAuth2Server.Password);

        Assert.Equal(OAuth2Server.Username, await GetMeAsync(services));

        var exchange = Assert.Single(server.ExchangesOf(clientId));
        Assert.Equal(("password", null), (exchange.GrantType, exchange.Error));
        Assert.NotNull(exchange.IssuedRefreshToken);
    }

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_the_rotated_one_is_used_next()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(clientId, OAuth2Server.Password);
        await GetMeAsync(services);

        // Each revoked access token is answered 401: the handler drops it and the provider refreshes.
        for (var i = 0; i < 2; i++)
        {
            await server.RevokeAsync(server.ApiCalls.Last().Token!);
            Assert.Equal(OAuth2Server.Username, await GetMeAsync(services));
        }

        var exchanges = server.ExchangesOf(clientId);
        Assert.Equal(["password", "refresh_token", "refresh_token"], exchanges.Select(e => e.GrantType));
        Assert.All(exchanges, e => Assert.Null(e.Error));
        var (first, second) = (exchanges[0].IssuedRefreshToken!, exchanges[1].IssuedRefreshToken!);
        Assert.Equal(first, exchanges[1].PresentedRefreshToken);
        Assert.Equal(second, exchanges[2].PresentedRefreshToken);
        Assert.NotEqual(first, second);

        // The server really rotates: the first refresh token, once redeemed, is refused.
        var (status, error) = await RedeemAsync(clientId, first);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (status, error));
    }

    [Fact]
    public async Task Refresh_token_already_redeemed_elsewhere_falls_back_to_the_password_grant()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(clientId, OAuth2Server.Password);
        await GetMeAsync(services);
        var held = server.ExchangesOf(clientId).Single().IssuedRefreshToken!;
        Assert.Equal((HttpStatusCode.OK, null), await RedeemAsync(clientId, held));
        await server.RevokeAsync(server.ApiCalls.Last().Token!);

        Assert.Equal(OAuth2Server.Username, await GetMeAsync(services));

        var exchanges = server.ExchangesOf(clientId);
        Assert.Equal(
            [("password", null), ("refresh_token", null), ("refresh_token", "invalid_grant"), ("password", null)],
            exchanges.Select(e => (e.GrantType, e.Error)));
        Assert.Equal(held, exchanges[2].PresentedRefreshToken);
    }

    [Fact]
    public async Task Wrong_password_fails_with_invalid_grant_and_the_api_is_not_called()
    {
        var clientId = await server.AddClientAsync(Secret);
        await using var services = Build(clientId, "not-the-password");
        var callsBefore = server.ApiCalls.Count;

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => GetMeAsync(services));

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_grant"), (exception.StatusCode, exception.Error));
        Assert.DoesNotContain("not-the-password", exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(callsBefore, server.ApiCalls.Count);
    }

    private static async Task<string> GetMeAsync(ServiceProvider services)
    {
        using var response = await services.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(new Uri("api/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private ServiceProvider Build(string clientId, string password)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p => p.UsePassword(o =>
        {
            o.TokenEndpoint = server.TokenEndpoint;
            o.ClientId = clientId;
            o.ClientSecret = Secret;
            o.Username = OAuth2Server.Username;
            o.Password = password;
            o.Scope = $"{OAuth2Server.ApiScope} offline_access";
        }));
        services.AddHttpClient("api", c => c.BaseAddress = server.Address).AddTokenHandler("idp");
        return services.BuildServiceProvider();
    }

    /// <summary>Redeems a refresh token without the library, as another holder of it would.</summary>
    private async Task<(HttpStatusCode Status, string? Error)> RedeemAsync(string clientId, string refreshToken)
    {
        using var client = server.CreatePlainClient();
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = clientId,
            ["client_secret"] = Secret,
        });
        using var response = await client.PostAsync(server.TokenEndpoint, form);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, json.RootElement.TryGetProperty("error", out var error) ? error.GetString() : null);
    }
}
