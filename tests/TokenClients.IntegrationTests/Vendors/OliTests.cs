using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Vendors.Oli;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class OliTests() : VendorFacts<OliEmulator, OliOptions>(new OliCase())
{
    [Fact]
    public async Task Login_and_refresh_are_the_pages_forms_for_apiclient()
    {
        await AssertApiOkAsync();
        Time.Advance(TimeSpan.FromSeconds(301));
        await AssertApiOkAsync();

        // docs/vendors/oli.md: username, password, grant_type=password, client_id=apiclient; then refresh_token,
        // grant_type=refresh_token, client_id=apiclient; form bodies, no secret.
        Assert.Collection(Emulator.Journal.TokenRequests,
            login =>
            {
                Assert.Equal("/auth/realms/api/protocol/openid-connect/token", login.Path);
                Assert.Equal("password", login.Form["grant_type"]);
                Assert.Equal("apiclient", login.Form["client_id"]);
                Assert.Equal("alice", login.Form["username"]);
                Assert.Equal("alice-password", login.Form["password"]);
                Assert.False(login.Form.ContainsKey("client_secret"));
                Assert.False(login.Headers.ContainsKey("Authorization"));
            },
            refresh =>
            {
                Assert.Equal("refresh_token", refresh.Form["grant_type"]);
                Assert.Equal("apiclient", refresh.Form["client_id"]);
                Assert.False(string.IsNullOrEmpty(refresh.Form["refresh_token"]));
                Assert.False(refresh.Form.ContainsKey("password"));
            });
    }

    [Fact]
    public async Task Lower_case_bearer_token_type_is_attached_as_Bearer()
    {
        // docs/vendors/oli.md: "token_type": "bearer".
        var token = await Provider().GetTokenAsync(cancellationToken: Deadline);

        Assert.Equal("Bearer", token.Scheme);
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromSeconds(300), token.ExpiresAt);
    }

    [Fact]
    public async Task Dead_refresh_token_falls_back_to_the_password_grant()
    {
        await AssertApiOkAsync();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromSeconds(301));

        await AssertApiOkAsync();

        // docs/vendors/oli.md (digest): refresh answering invalid_grant means log in again with the password.
        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 400);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
        Assert.Equal(0, Emulator.ApiUnauthorizedCount);
    }

    [Fact]
    public async Task Expired_refresh_token_is_not_sent_and_the_password_grant_runs_again()
    {
        await AssertApiOkAsync();

        // docs/vendors/oli.md: refresh_expires_in 1800; past it the refresh token is not even tried.
        Time.Advance(TimeSpan.FromSeconds(1801));
        await AssertApiOkAsync();

        Assert.DoesNotContain(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token");
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
    }

    [Fact]
    public async Task Token_endpoint_can_come_from_the_realms_discovery_document()
    {
        var services = await StartClientAsync(o => o.UseDiscovery = true);

        await AssertApiOkAsync(services);

        Assert.Equal(1, Emulator.Journal.CountGrant("password"));
    }
}
