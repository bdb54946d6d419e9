using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Vendors;

/// <summary>MoodHood's wire, pinned to its vendor page (docs/vendors/moodhood.md).</summary>
public sealed class MoodHoodWireTests : VendorWireTests
{
    [Fact]
    public async Task MoodHood_gets_the_client_token_then_the_user_token_with_it_as_bearer_in_json()
    {
        // moodhood.md: "Generating client access token" then "Generating user access token" (Authorization: Bearer <client token>).
        var clientToken = Jwt(TimeSpan.FromDays(7));
        var userToken = Jwt(TimeSpan.FromHours(2));
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .With(r => r.Headers.Authorization is null && r.Content!.Headers.ContentType!.MediaType == "application/json")
            .WithContent("""{"client_id":"john-smith","client_secret":"VTyt","grant_type":"client_credentials"}""")
            .Respond("application/json", $$"""{"token_type":"Bearer","access_token":"{{clientToken}}","refresh_token":"crt"}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .WithHeaders("Authorization", "Bearer " + clientToken)
            .WithContent("""{"client_id":"john-smith","client_secret":"VTyt","grant_type":"password","username":"test_user@test.test","password":"123456"}""")
            .Respond("application/json", $$"""{"access_token":"{{userToken}}","token_type":"Bearer","refresh_token":"urt"}""");
        Harness.AddProvider("moodhood", p => p.UseMoodHood(o =>
        {
            o.ClientId = "john-smith";
            o.ClientSecret = "VTyt";
            o.Username = "test_user@test.test";
            o.Password = "123456";
        }));

        var token = await Harness.Get("moodhood").GetTokenAsync();

        Assert.Equal(userToken, token.Value);
        // No expires_in on the page: the expiry is the JWT's exp.
        Assert.Equal(Harness.Time.GetUtcNow().AddHours(2).ToUnixTimeSeconds(), token.ExpiresAt.ToUnixTimeSeconds());
        Harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task MoodHood_refreshes_the_user_token_and_falls_back_to_the_user_grant_when_refused()
    {
        var clientToken = Jwt(TimeSpan.FromDays(7));
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithContent("""{"client_id":"c","client_secret":"s","grant_type":"client_credentials"}""")
            .Respond("application/json", $$"""{"access_token":"{{clientToken}}"}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithPartialContent("\"grant_type\":\"password\"")
            .Respond("application/json", $$"""{"access_token":"{{Jwt(TimeSpan.FromMinutes(10))}}","refresh_token":"urt-1"}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token")
            .WithHeaders("Authorization", "Bearer " + clientToken)
            .WithContent("""{"client_id":"c","client_secret":"s","grant_type":"refresh_token","refresh_token":"urt-1"}""")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_grant"}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://moodhood.online/v1/auth/token").WithPartialContent("\"grant_type\":\"password\"")
            .Respond("application/json", $$"""{"access_token":"{{Jwt(TimeSpan.FromMinutes(30))}}","refresh_token":"urt-2"}""");
        Harness.AddProvider("moodhood", p => p.UseMoodHood(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.Username = "u"; o.Password = "p"; }));
        var provider = Harness.Get("moodhood");

        await provider.GetTokenAsync();
        Harness.Time.Advance(TimeSpan.FromMinutes(10));
        await provider.GetTokenAsync();

        Harness.Mock.VerifyNoOutstandingExpectation();
    }
}
