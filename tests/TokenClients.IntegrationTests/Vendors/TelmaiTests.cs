using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.IntegrationTests.Support.VendorCases;
using TokenClients.Testing;
using TokenClients.Vendors.Telmai;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class TelmaiTests() : VendorFacts<TelmaiEmulator, TelmaiOptions>(new TelmaiCase())
{
    [Fact]
    public async Task Parameters_travel_camel_cased_in_the_query_string_with_an_empty_body()
    {
        await AssertApiOkAsync();

        // docs/vendors/telmai.md: POST {auth_endpoint}/auth/token?clientId=..&grantType=password&username=..&password=.. with -d ''.
        var request = Assert.Single(Emulator.Journal.TokenRequests);
        Assert.Equal("/auth/token", request.Path);
        Assert.Equal(string.Empty, request.Body);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("*/*", request.Headers["Accept"]);
        Assert.Equal("demo-client", request.Query["clientId"]);
        Assert.Equal("password", request.Query["grantType"]);
        Assert.Equal("alice", request.Query["username"]);
        Assert.Equal("alice-password", request.Query["password"]);
        Assert.Equal("acme", request.Query["tenant"]);
        Assert.False(string.IsNullOrEmpty(request.Query["transactionId"]));
    }

    [Fact]
    public async Task Refresh_sends_the_refresh_token_and_a_fresh_transaction_id()
    {
        await AssertApiOkAsync();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync();

        Assert.Collection(Emulator.Journal.TokenRequests,
            login => Assert.Equal("password", login.Query["grantType"]),
            refresh =>
            {
                Assert.Equal("refresh_token", refresh.Query["grantType"]);
                Assert.False(string.IsNullOrEmpty(refresh.Query["refreshToken"]));
                Assert.False(refresh.Query.ContainsKey("password"));
                Assert.NotEqual(Emulator.Journal.TokenRequests[0].Query["transactionId"], refresh.Query["transactionId"]);
            });
    }

    [Fact]
    public async Task Expiry_is_read_from_expires()
    {
        // docs/vendors/telmai.md: the answer carries "expires": 3600, not "expires_in".
        var token = await Provider().GetTokenAsync(cancellationToken: Deadline);

        Assert.Equal(Time.GetUtcNow() + TimeSpan.FromHours(1), token.ExpiresAt);
    }

    [Fact]
    public async Task Description_shaped_error_becomes_the_error_description()
    {
        var services = await StartClientAsync(o => o.Tenant = "other");

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => CallApiAsync(services));

        // docs/vendors/telmai.md: errors are {"description": "..."} with 401/403/404.
        Assert.Equal(HttpStatusCode.Forbidden, exception.StatusCode);
        Assert.Null(exception.Error);
        Assert.Equal("Forbidden", exception.ErrorDescription);
        Assert.Contains("Forbidden", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_refresh_falls_back_to_the_password_grant()
    {
        await AssertApiOkAsync();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 401);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
    }

    [Fact]
    public async Task The_password_in_the_url_never_reaches_the_error_message()
    {
        var services = await StartClientAsync(o => o.ClientId = "unknown-client");

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => CallApiAsync(services));

        // vendors/README.md (Telmai): no log line or exception message may carry this request's query string.
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.DoesNotContain("alice-password", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("password=", exception.ToString(), StringComparison.Ordinal);
    }
}
