using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Vendors;

/// <summary>Mluvii's wire, pinned to its vendor page (docs/vendors/mluvii.md).</summary>
public sealed class MluviiWireTests : VendorWireTests
{
    [Fact]
    public async Task Mluvii_posts_the_form_of_the_curl_example_including_response_type()
    {
        // mluvii.md, Step 2: curl -X POST https://app.mluvii.com/login/connect/token -d 'response_type=token&grant_type=client_credentials&…'
        Harness.Mock.Expect(HttpMethod.Post, "https://app.mluvii.com/login/connect/token")
            .WithHeaders("Content-Type", "application/x-www-form-urlencoded")
            .WithContent("response_type=token&grant_type=client_credentials&client_id=api-user&client_secret=api-pass")
            .Respond("application/json", """{"access_token":"m1","expires_in":3600,"token_type":"Bearer"}""");
        Harness.AddProvider("mluvii", p => p.UseMluvii(o => { o.ClientId = "api-user"; o.ClientSecret = "api-pass"; }));

        var token = await Harness.Get("mluvii").GetTokenAsync();

        Assert.Equal("m1", token.Value);
        Harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Mluvii_on_premise_uses_its_own_domain_and_re_acquires_without_refresh()
    {
        Harness.Mock.Expect(HttpMethod.Post, "https://chat.example.cz/login/connect/token").Respond("application/json", """{"access_token":"m1","expires_in":3600}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://chat.example.cz/login/connect/token").WithFormData("grant_type", "client_credentials").Respond("application/json", """{"access_token":"m2","expires_in":3600}""");
        Harness.AddProvider("mluvii", p => p.UseMluvii(o => { o.Authority = new Uri("https://chat.example.cz"); o.ClientId = "u"; o.ClientSecret = "p"; }));
        var provider = Harness.Get("mluvii");

        await provider.GetTokenAsync();
        Harness.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("m2", (await provider.GetTokenAsync()).Value);
        Harness.Mock.VerifyNoOutstandingExpectation();
    }
}
