using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Vendors;

/// <summary>Telmai's wire, pinned to its vendor page (docs/vendors/telmai.md).</summary>
public sealed class TelmaiWireTests : VendorWireTests
{
    [Fact]
    public async Task Telmai_sends_camel_case_parameters_in_the_query_with_an_empty_form_body()
    {
        // telmai.md: POST {auth_endpoint}/auth/token?clientId=…&grantType=password&username=…&password=… -H 'accept: */*' -d ''
        Harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token")
            .With(r => r.RequestUri!.Query.StartsWith("?clientId=tc&grantType=password&username=ann&password=p%40ss&transactionId=", StringComparison.Ordinal)
                && r.RequestUri.Query.EndsWith("&tenant=acme", StringComparison.Ordinal))
            .WithHeaders("Accept", "*/*")
            .WithHeaders("Content-Type", "application/x-www-form-urlencoded")
            .WithContent(string.Empty)
            .Respond("application/json", """{"expires":3600,"access_token":"t1","refresh_token":"tr1","token_type":"Bearer"}""");
        Harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token")
            .With(r => r.RequestUri!.Query.StartsWith("?clientId=tc&grantType=refresh_token&refreshToken=tr1&transactionId=", StringComparison.Ordinal)
                && !r.RequestUri.Query.Contains("password", StringComparison.Ordinal))
            .Respond("application/json", """{"expires":3600,"access_token":"t2","refresh_token":"tr2","token_type":"Bearer"}""");
        Harness.AddProvider("telmai", p => p.UseTelmai(o =>
        {
            o.Authority = new Uri("https://auth.telmai.example");
            o.ClientId = "tc";
            o.Username = "ann";
            o.Password = "p@ss";
            o.Tenant = "acme";
        }));
        var provider = Harness.Get("telmai");

        var first = await provider.GetTokenAsync();
        Assert.Equal(Harness.Time.GetUtcNow().AddSeconds(3600), first.ExpiresAt); // `expires`, not `expires_in`
        Harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("t2", (await provider.GetTokenAsync()).Value);

        Harness.Mock.VerifyNoOutstandingExpectation();
        Assert.DoesNotContain("p%40ss", Harness.Logs.AllText(), StringComparison.Ordinal);
        Assert.DoesNotContain("p@ss", Harness.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Telmai_description_errors_become_token_request_exceptions_without_the_password()
    {
        // telmai.md, 401 tab: {"description": "Unauthorized"}
        Harness.Mock.Expect(HttpMethod.Post, "https://auth.telmai.example/auth/token").Respond(HttpStatusCode.Unauthorized, "application/json", """{"description": "Unauthorized"}""");
        Harness.AddProvider("telmai", p => p.UseTelmai(o =>
        {
            o.Authority = new Uri("https://auth.telmai.example");
            o.ClientId = "tc";
            o.Username = "ann";
            o.Password = "hunter2-secret";
        }));

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Harness.Get("telmai").GetTokenAsync().AsTask());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal("Unauthorized", error.ErrorDescription);
        Assert.DoesNotContain("hunter2-secret", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", Harness.Logs.AllText(), StringComparison.Ordinal);
    }
}
