using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Vendors.MoodHood;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class MoodHoodTests() : VendorFacts<MoodHoodEmulator, MoodHoodOptions>(new MoodHoodCase())
{
    [Fact]
    public async Task User_token_is_requested_in_json_with_the_client_token_as_bearer()
    {
        await AssertApiOkAsync();
        var clientToken = await Provider("moodhood.client").GetTokenAsync(cancellationToken: Deadline);

        // docs/vendors/moodhood.md: stage 1 {"client_id","client_secret","grant_type":"client_credentials"};
        // stage 2 the same endpoint with Authorization: Bearer <client token> and "grant_type":"password","username","password".
        Assert.Collection(Emulator.Journal.TokenRequests,
            client =>
            {
                Assert.StartsWith("application/json", client.ContentType, StringComparison.Ordinal);
                Assert.Equal("client_credentials", client.Json["grant_type"]);
                Assert.Equal("demo-client", client.Json["client_id"]);
                Assert.Equal("demo-secret", client.Json["client_secret"]);
                Assert.False(client.Headers.ContainsKey("Authorization"));
            },
            user =>
            {
                Assert.StartsWith("application/json", user.ContentType, StringComparison.Ordinal);
                Assert.Equal("password", user.Json["grant_type"]);
                Assert.Equal("alice", user.Json["username"]);
                Assert.Equal("alice-password", user.Json["password"]);
                Assert.Equal("Bearer " + clientToken.Value, user.Headers["Authorization"]);
            });
    }

    [Fact]
    public async Task Expiry_comes_from_the_jwt_because_the_answer_has_none()
    {
        // docs/vendors/moodhood.md: no expires_in; the lifetime is the JWT's exp claim (not the 5-minute default lifetime).
        var token = await Provider().GetTokenAsync(cancellationToken: Deadline);

        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(1), token.ExpiresAt);
    }

    [Fact]
    public async Task Client_token_outlives_user_token_renewals()
    {
        await AssertApiOkAsync();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();

        Assert.Equal(1, Emulator.Journal.CountGrant("client_credentials"));
        Assert.Equal(1, Emulator.Journal.CountGrant("password"));
        Assert.Equal(2, Emulator.Journal.CountGrant("refresh_token"));
    }

    [Fact]
    public async Task Refused_refresh_falls_back_to_the_user_token_request()
    {
        await AssertApiOkAsync();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        // vendors/README.md (MoodHood): "fall back to stage 2 when refresh is refused".
        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
        Assert.Equal(1, Emulator.Journal.CountGrant("client_credentials"));
    }

    [Fact]
    public async Task Wrong_client_secret_fails_in_the_client_token_stage_and_names_it()
    {
        var services = await StartClientAsync(o => o.ClientSecret = WrongSecret);

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => CallApiAsync(services));

        Assert.Equal("moodhood.client", exception.ProviderName);
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("invalid_client", exception.Error);
        Assert.Single(Emulator.Journal.TokenRequests);
        Assert.DoesNotContain(WrongSecret, exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Emulator.ApiCallCount);
    }
}
