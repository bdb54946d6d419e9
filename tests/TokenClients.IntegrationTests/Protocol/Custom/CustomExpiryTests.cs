using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Protocol.Custom;

/// <summary>How a custom endpoint's answers set the token lifetime and drive renewal: expiry formats and fields, the JWT's exp, the default lifetime, refresh fallbacks, a bearer token from another provider.</summary>
public sealed class CustomExpiryTests : CustomEndpointFacts
{
    [Theory]
    [InlineData(EmulatorExpiryFormat.Seconds, ExpiryFormat.Seconds)]
    [InlineData(EmulatorExpiryFormat.SecondsAsString, ExpiryFormat.Seconds)]
    [InlineData(EmulatorExpiryFormat.UnixTimeSeconds, ExpiryFormat.UnixTimeSeconds)]
    [InlineData(EmulatorExpiryFormat.DateTime, ExpiryFormat.DateTime)]
    public async Task Expiry_in_each_format_sets_the_lifetime_and_drives_the_refresh(EmulatorExpiryFormat written, ExpiryFormat read)
    {
        // Opaque tokens: no JWT exp to fall back on, so only the field can give the hour (the default lifetime is 5 minutes).
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryFormat = written;
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.Response.ExpiryFormat = read;
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expires_field_instead_of_expires_in_sets_the_lifetime()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryField = "expires";
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.Response.ExpiresIn = "expires";
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expiry_absent_from_the_answer_comes_from_the_jwt_exp()
    {
        await using var endpoint = await StartAsync(s => s.ExpiryFormat = EmulatorExpiryFormat.Absent, UsePassword);

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
    }

    [Fact]
    public async Task Expiry_absent_and_no_jwt_uses_the_default_lifetime()
    {
        await using var endpoint = await StartAsync(s =>
        {
            s.ExpiryFormat = EmulatorExpiryFormat.Absent;
            s.OpaqueAccessTokens = true;
        }, c =>
        {
            c.DefaultTokenLifetime = TimeSpan.FromMinutes(10);
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, TimeSpan.FromMinutes(10), "refresh_token");
    }

    [Fact]
    public async Task Description_shaped_refresh_refusal_falls_back_to_the_password_grant()
    {
        await using var endpoint = await StartAsync(s => s.ErrorShape = EmulatorErrorShape.Description, c =>
        {
            c.Response.ErrorDescription = "description";
            UsePassword(c);
        });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
        endpoint.Emulator.RevokeRefreshTokens();
        Time.Advance(Hour + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Contains(endpoint.Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("password"));
    }

    [Fact]
    public async Task Client_credentials_without_a_refresh_token_are_requested_again_past_expiry()
    {
        await using var endpoint = await StartAsync(_ => { }, _ => { });

        await AssertCachedThenRenewedAsync(endpoint, Hour, "client_credentials");

        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("client_credentials"));
        Assert.All(endpoint.Emulator.Journal.TokenRequests, r => Assert.Equal("demo-secret", r.Form["client_secret"]));
    }

    [Fact]
    public async Task Bearer_token_from_another_provider_is_sent_and_replaced_once_when_refused()
    {
        // Two stages, MoodHood-style: a client token from one endpoint, then user tokens requested with it as Bearer.
        await using var clientStage = await StandardOAuth2Emulator.StartAsync(
            new StandardOAuth2EmulatorOptions { TimeProvider = Time, AccessTokenLifetime = TimeSpan.FromDays(1) }, Deadline);
        await using var endpoint = await StartAsync(s => s.BearerTokenValidator = clientStage.IsLive, c =>
        {
            UsePassword(c);
            c.BearerTokenProvider = "client-stage";
        }, services => services.AddTokenProvider("client-stage", p => p.UseCustom(c =>
        {
            c.TokenEndpoint = clientStage.TokenEndpoint;
            c.ClientId = "demo-client";
            c.ClientSecret = "demo-secret";
        })));

        await AssertCachedThenRenewedAsync(endpoint, Hour, "refresh_token");
        var clientToken = await endpoint.Services.GetRequiredKeyedService<ITokenProvider>("client-stage").GetTokenAsync(cancellationToken: Deadline);
        Assert.Equal("Bearer " + clientToken.Value, endpoint.Emulator.Journal.TokenRequests[0].Headers["Authorization"]);
        Assert.Equal(1, clientStage.Journal.CountGrant("client_credentials"));

        // The client token dies and the user token must be requested anew: the 401 replaces the client token once.
        clientStage.RevokeAccessTokens();
        endpoint.Emulator.RevokeRefreshTokens();
        Time.Advance(Hour + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.OK, await endpoint.CallApiAsync());

        Assert.Equal(2, clientStage.Journal.CountGrant("client_credentials"));
        Assert.Contains(endpoint.Emulator.Journal.TokenRequests, r => r.GrantType == "password" && r.StatusCode == 401);
        Assert.Equal(2, endpoint.Emulator.Journal.CountGrant("password"));
    }
}
