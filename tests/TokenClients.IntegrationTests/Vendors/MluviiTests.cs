using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Vendors.Mluvii;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class MluviiTests() : VendorFacts<MluviiEmulator, MluviiOptions>(new MluviiCase())
{
    [Fact]
    public async Task Token_request_is_the_pages_form_with_response_type_token()
    {
        await AssertApiOkAsync();

        // docs/vendors/mluvii.md: response_type=token&grant_type=client_credentials&client_id=<API username>&client_secret=<API password>
        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.Equal("/login/connect/token", request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("token", request.Form["response_type"]);
        Assert.Equal("client_credentials", request.Form["grant_type"]);
        Assert.Equal("demo-client", request.Form["client_id"]);
        Assert.Equal("demo-secret", request.Form["client_secret"]);
        Assert.False(request.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Expiry_issues_a_new_token_and_never_sends_a_refresh_grant()
    {
        await AssertApiOkAsync();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();

        Assert.Equal(2, Emulator.Journal.CountGrant("client_credentials"));
        Assert.DoesNotContain(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token");
    }

    [Fact]
    public async Task Unknown_client_is_a_typed_invalid_client_error()
    {
        var services = await StartClientAsync(o => o.ClientId = "unknown-client");

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => CallApiAsync(services));

        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("invalid_client", exception.Error);
        Assert.DoesNotContain("demo-secret", exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Emulator.ApiCallCount);
    }

    [Fact]
    public async Task Token_lives_the_hour_the_answer_states()
    {
        var token = await Provider().GetTokenAsync(cancellationToken: Deadline);

        Assert.True(Emulator.IsLive(token.Value));
        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(1), token.ExpiresAt);
    }
}
