using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Vendors;

/// <summary>OLI's wire, pinned to its vendor page (docs/vendors/oli.md).</summary>
public sealed class OliWireTests : VendorWireTests
{
    [Fact]
    public async Task Oli_logs_in_with_the_password_grant_and_apiclient_then_refreshes()
    {
        // oli.md: "User Authentication" and "Refreshing", form bodies, client_id apiclient, lower-case bearer.
        const string url = "https://auth.olisystems.com/auth/realms/api/protocol/openid-connect/token";
        Harness.Mock.Expect(HttpMethod.Post, url)
            .With(r => r.Headers.Authorization is null)
            .WithExactFormData([new("username", "oli-user"), new("password", "oli-pass"), new("grant_type", "password"), new("client_id", "apiclient")])
            .Respond("application/json", """{"access_token":"o1","expires_in":300,"refresh_expires_in":1800,"refresh_token":"or1","token_type":"bearer","not-before-policy":1588002927,"session_state":"b0451c5f","scope":"oli_user_role"}""");
        Harness.Mock.Expect(HttpMethod.Post, url)
            .WithExactFormData([new("refresh_token", "or1"), new("grant_type", "refresh_token"), new("client_id", "apiclient")])
            .Respond("application/json", """{"access_token":"o2","expires_in":300,"refresh_expires_in":1800,"refresh_token":"or2","token_type":"bearer"}""");
        Harness.AddProvider("oli", p => p.UseOli(o => { o.Username = "oli-user"; o.Password = "oli-pass"; }));
        var provider = Harness.Get("oli");

        var first = await provider.GetTokenAsync();
        Assert.Equal("Bearer", first.Scheme);
        Harness.Time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal("o2", (await provider.GetTokenAsync()).Value);

        Harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Oli_logs_in_again_when_the_refresh_token_has_expired()
    {
        // oli.md: refresh_expires_in; the digest: when it has passed, log in again with the password grant.
        const string url = "https://sso.example.com/realms/tenant-a/protocol/openid-connect/token";
        Harness.Mock.Expect(HttpMethod.Post, url).WithFormData("grant_type", "password")
            .Respond("application/json", """{"access_token":"o1","expires_in":300,"refresh_expires_in":200,"refresh_token":"or1","token_type":"bearer"}""");
        Harness.Mock.Expect(HttpMethod.Post, url).WithFormData("grant_type", "password")
            .Respond("application/json", """{"access_token":"o2","expires_in":300,"refresh_expires_in":200,"refresh_token":"or2","token_type":"bearer"}""");
        Harness.AddProvider("keycloak", p => p.UseOli(o =>
        {
            o.Authority = new Uri("https://sso.example.com");
            o.LegacyAuthPrefix = false;
            o.Realm = "tenant-a";
            o.Username = "u";
            o.Password = "p";
        }));
        var provider = Harness.Get("keycloak");

        await provider.GetTokenAsync();
        Harness.Time.Advance(TimeSpan.FromSeconds(300));

        Assert.Equal("o2", (await provider.GetTokenAsync()).Value);
        Harness.Mock.VerifyNoOutstandingExpectation();
    }
}
