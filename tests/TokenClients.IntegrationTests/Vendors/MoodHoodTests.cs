using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TokenClients.Testing;
using TokenClients.Vendors.MoodHood;

namespace TokenClients.IntegrationTests.Vendors;

public sealed class MoodHoodTests : VendorFacts<MoodHoodEmulator, MoodHoodOptions>
{
    protected override string Name => "moodhood";

    protected override string AcquireGrant => "password";

    // vendors/README.md (MoodHood): refresh with the same JSON shape and grant_type=refresh_token.
    protected override string RenewalGrant => "refresh_token";

    // vendors/moodhood.md: a client token first, then the user token requested with it.
    protected override int TokenRequestsPerAcquisition => 2;

    [Fact]
    public async Task User_token_is_requested_in_json_with_the_client_token_as_bearer()
    {
        await AssertApiOkAsync();
        var clientToken = await Provider("moodhood.client").GetTokenAsync(cancellationToken: Deadline);

        // vendors/moodhood.md: stage 1 {"client_id","client_secret","grant_type":"client_credentials"};
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
        // vendors/moodhood.md: no expires_in; the lifetime is the JWT's exp claim (not the 5-minute default lifetime).
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

    protected override Task<MoodHoodEmulator> StartEmulatorAsync(FakeTimeProvider time) =>
        // User tokens live an hour here; client tokens keep the page's 7 days.
        MoodHoodEmulator.StartAsync(new EmulatorOptions { TimeProvider = time, AccessTokenLifetime = TimeSpan.FromHours(1) });

    protected override void Use(ITokenProviderBuilder provider, Action<MoodHoodOptions> configure) => provider.UseMoodHood(configure);

    protected override void Configure(MoodHoodOptions options)
    {
        options.BaseAddress = Emulator.BaseAddress;
        options.ClientId = "demo-client";
        options.ClientSecret = "demo-secret";
        options.Username = "alice";
        options.Password = "alice-password";
    }

    protected override void WithWrongCredentials(MoodHoodOptions options) => options.Password = WrongSecret;

    protected override void AssertWrongCredentialsError(TokenRequestException exception)
    {
        Assert.Equal(HttpStatusCode.BadRequest, exception.StatusCode);
        Assert.Equal("invalid_grant", exception.Error);
    }
}
