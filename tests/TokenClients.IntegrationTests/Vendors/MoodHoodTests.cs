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
        Assert.Contains(Emulator.Journal.TokenRequests, r => r.GrantType == "refresh_token" && r.StatusCode == 401);
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
        Assert.Equal(1, Emulator.Journal.CountGrant("client_credentials"));
    }

    [Fact]
    public async Task Wrong_client_secret_fails_in_the_client_token_stage_and_names_the_registered_provider()
    {
        var services = await StartClientAsync(o => o.ClientSecret = WrongSecret);

        var exception = await Assert.ThrowsAsync<TokenRequestException>(() => CallApiAsync(services));

        Assert.Equal("moodhood", exception.ProviderName);
        Assert.DoesNotContain("moodhood.client", exception.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("invalid_client", exception.Error);
        Assert.Single(Emulator.Journal.TokenRequests);
        Assert.DoesNotContain(WrongSecret, exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, Emulator.ApiCallCount);
    }

    [Fact]
    public async Task Wrong_password_costs_one_client_token_and_one_password_request()
    {
        var services = await StartClientAsync(o => o.Password = WrongSecret);

        var exception = await Assert.ThrowsAsync<TokenRequestException>(async () => await services.GetRequiredKeyedService<ITokenProvider>("moodhood").GetTokenAsync(cancellationToken: Deadline));

        // The 401 came to a client token obtained a moment ago: the password was refused, not the client token.
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal("moodhood", exception.ProviderName);
        Assert.Equal(["client_credentials", "password"], Emulator.Journal.TokenRequests.Select(r => r.Json["grant_type"]));
    }

    [Fact]
    public async Task Two_callers_at_once_with_a_wrong_password_cost_one_client_token_and_one_password_request()
    {
        var services = await StartClientAsync(o => o.Password = WrongSecret);
        var provider = services.GetRequiredKeyedService<ITokenProvider>("moodhood");

        var callers = Enumerable.Range(0, 2).Select(_ => Assert.ThrowsAsync<TokenRequestException>(async () => await provider.GetTokenAsync(cancellationToken: Deadline)));
        var failures = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(failures, f => Assert.Equal(HttpStatusCode.Unauthorized, f.StatusCode));
        Assert.Equal(["client_credentials", "password"], Emulator.Journal.TokenRequests.Select(r => r.Json["grant_type"]));
    }

    [Fact]
    public async Task Dead_refresh_token_costs_the_refused_refresh_and_one_password_request()
    {
        await AssertApiOkAsync();
        Emulator.Journal.Clear();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        // The password request carries the same client token and succeeds: the client token was never at fault.
        Assert.Equal([("refresh_token", 401), ("password", 200)], Emulator.Journal.TokenRequests.Select(r => (r.Json["grant_type"], r.StatusCode)));
    }

    [Fact]
    public async Task Revoked_client_token_is_replaced_once_and_the_user_token_obtained()
    {
        await AssertApiOkAsync();
        Emulator.Journal.Clear();
        Emulator.RevokeAccessTokens();
        Emulator.RevokeRefreshTokens();
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        await AssertApiOkAsync();

        // Refresh and password both refused to a client token in use for an hour: the client token is replaced once (its
        // own refresh token is dead too, so by client credentials), then the password is sent again.
        Assert.Equal([("refresh_token", 401), ("password", 401), ("refresh_token", 401), ("client_credentials", 200), ("password", 200)],
            Emulator.Journal.TokenRequests.Select(r => (r.Json["grant_type"], r.StatusCode)));
    }

    [Fact]
    public async Task Account_without_refresh_grant_renews_by_password_without_a_refresh_request()
    {
        var services = await StartClientAsync(o => o.UseRefreshTokens = false);
        await AssertApiOkAsync(services);
        Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await AssertApiOkAsync(services);

        Assert.DoesNotContain(Emulator.Journal.TokenRequests, r => r.Json["grant_type"] == "refresh_token");
        Assert.Equal(2, Emulator.Journal.CountGrant("password"));
        Assert.Equal(1, Emulator.Journal.CountGrant("client_credentials"));
    }

    [Fact]
    public async Task Stalled_client_token_request_with_a_wrong_password_ends_in_bounded_time_at_the_minimum_cost()
    {
        await using var rig = await new MoodHoodCase().StartAsync(TimeProvider.System,
            resilience: r => r.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(300),
            credentials: VendorCredentials.Demo with { Password = WrongSecret });
        rig.Emulator.Faults.Enqueue(EmulatorFault.Delayed(TimeSpan.FromSeconds(5)));

        var failure = await Assert.ThrowsAsync<TokenRequestException>(() => rig.AcquireAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        // The stalled attempt is abandoned and the client token requested again; the password is refused once, and the
        // client token just obtained is not replaced.
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        Assert.Equal("moodhood", failure.ProviderName);
        Assert.Single(rig.Emulator.Journal.TokenRequests, r => r.Json.GetValueOrDefault("grant_type") == "password");
        Assert.Equal(1, rig.Emulator.Journal.CountGrant("client_credentials"));
    }
}
