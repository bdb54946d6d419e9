using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Diagnostics;

/// <summary>The span of a token request and the instruments of the TokenClients meter, as listeners see them.</summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryTests : IAsyncDisposable
{
    private const string Secret = "telemetry-secret-4d5e";
    private const string IssuedToken = "telemetry-access-6f7a";

    private readonly Harness _harness = new();
    private readonly string _name = "tel-" + Guid.NewGuid().ToString("N")[..8];
    private readonly TelemetryCapture _capture;

    public TelemetryTests() => _capture = new TelemetryCapture(_name);

    public async ValueTask DisposeAsync()
    {
        _capture.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Token_request_span_carries_provider_kind_the_grant_sent_outcome_and_attempts()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond("application/json", $$"""{"access_token":"{{IssuedToken}}","expires_in":3600}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(ClientCredentials));

        await _harness.Get(_name).GetTokenAsync();

        var span = Assert.Single(_capture.Spans);
        Assert.Equal(TokenClientsTelemetry.TokenRequestActivity, span.OperationName);
        Assert.Equal(_name, span.GetTagItem(TokenClientsTelemetry.ProviderTag));
        Assert.Equal("ClientCredentials", span.GetTagItem(TokenClientsTelemetry.KindTag));
        Assert.Equal("client_credentials", span.GetTagItem(TokenClientsTelemetry.GrantTag));
        Assert.Equal("success", span.GetTagItem(TokenClientsTelemetry.OutcomeTag));
        Assert.Equal(1, span.GetTagItem(TokenClientsTelemetry.AttemptsTag));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        AssertNoSecretIn(span);
    }

    [Fact]
    public async Task Retried_attempts_are_counted_on_the_span()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond(HttpStatusCode.ServiceUnavailable);
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond("application/json", $$"""{"access_token":"{{IssuedToken}}","expires_in":3600}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(ClientCredentials).ConfigureResilience(r => r.Retry.Delay = TimeSpan.Zero));

        await _harness.Get(_name).GetTokenAsync();

        var span = Assert.Single(_capture.Spans);
        Assert.Equal(2, span.GetTagItem(TokenClientsTelemetry.AttemptsTag));
        Assert.Equal("success", span.GetTagItem(TokenClientsTelemetry.OutcomeTag));
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Refused_request_is_tagged_rejected_with_the_oauth_error_and_counted_under_the_grant_sent()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_client","error_description":"Unknown client"}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(ClientCredentials));

        await Assert.ThrowsAsync<TokenRequestException>(async () => await _harness.Get(_name).GetTokenAsync());

        var span = Assert.Single(_capture.Spans);
        Assert.Equal("rejected", span.GetTagItem(TokenClientsTelemetry.OutcomeTag));
        Assert.Equal("invalid_client", span.GetTagItem(TokenClientsTelemetry.ErrorTag));
        Assert.Equal(typeof(TokenRequestException).FullName, span.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        AssertNoSecretIn(span);
        var request = Assert.Single(Of(TokenClientsTelemetry.TokenRequestsInstrument));
        Assert.Equal(1, request.Value);
        Assert.Equal("rejected", request.Tags[TokenClientsTelemetry.OutcomeTag]);
        Assert.Equal("client_credentials", request.Tags[TokenClientsTelemetry.GrantTag]);
    }

    [Fact]
    public async Task Token_requests_are_counted_and_timed_by_provider_grant_and_outcome()
    {
        var client = new FakeTokenClient(_harness.Time) { IssueRefreshTokens = true };
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => client));
        var provider = _harness.Get(_name);

        await provider.GetTokenAsync();
        _harness.Time.Advance(TimeSpan.FromHours(1));
        await provider.GetTokenAsync();

        var counts = Of(TokenClientsTelemetry.TokenRequestsInstrument);
        Assert.Equal(["request/success", "refresh_token/success"], counts.Select(m => $"{m.Tags[TokenClientsTelemetry.GrantTag]}/{m.Tags[TokenClientsTelemetry.OutcomeTag]}"));
        Assert.All(counts, m => Assert.Equal(_name, m.Tags[TokenClientsTelemetry.ProviderTag]));
        var durations = Of(TokenClientsTelemetry.TokenRequestDurationInstrument);
        Assert.Equal(2, durations.Count);
        Assert.All(durations, m => Assert.True(m.Value >= 0));
        Assert.Equal(["request", "refresh_token"], _capture.Spans.Select(s => (string?)s.GetTagItem(TokenClientsTelemetry.GrantTag)));
    }

    [Fact]
    public async Task Cache_hits_and_misses_are_counted_per_provider()
    {
        var client = new FakeTokenClient(_harness.Time);
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => client));
        var provider = _harness.Get(_name);

        await provider.GetTokenAsync();
        await provider.GetTokenAsync();
        await provider.GetTokenAsync();

        Assert.Equal(1, Of(TokenClientsTelemetry.CacheMissesInstrument).Sum(m => m.Value));
        Assert.Equal(2, Of(TokenClientsTelemetry.CacheHitsInstrument).Sum(m => m.Value));
        Assert.All(Of(TokenClientsTelemetry.CacheHitsInstrument), m => Assert.Equal(_name, m.Tags[TokenClientsTelemetry.ProviderTag]));
    }

    [Fact]
    public async Task Refresh_ahead_is_counted_once_per_background_refresh()
    {
        var client = new FakeTokenClient(_harness.Time);
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => client));
        var provider = _harness.Get(_name);
        await provider.GetTokenAsync();
        var gate = new TaskCompletionSource();
        client.Gate = gate.Task;
        _harness.Time.Advance(TimeSpan.FromMinutes(56)); // inside the refresh window of a one-hour token

        for (var i = 0; i < 10; i++)
        {
            await provider.GetTokenAsync();
        }

        gate.SetResult();
        await WaitUntil(() => Of(TokenClientsTelemetry.TokenRequestsInstrument).Count == 2);
        Assert.Equal(1, Of(TokenClientsTelemetry.RefreshAheadInstrument).Sum(m => m.Value));
        Assert.Equal(10, Of(TokenClientsTelemetry.CacheHitsInstrument).Sum(m => m.Value));
    }

    [Fact]
    public async Task Retry_after_a_401_is_counted()
    {
        var client = new FakeTokenClient(_harness.Time);
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => client));
        using var api = new MockHttpMessageHandler();
        api.Expect(HttpMethod.Get, "https://api.example/items").WithHeaders("Authorization", "Bearer access-1").Respond(HttpStatusCode.Unauthorized);
        api.Expect(HttpMethod.Get, "https://api.example/items").WithHeaders("Authorization", "Bearer access-2").Respond(HttpStatusCode.OK);
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/"))
            .AddTokenHandler(_name)
            .ConfigurePrimaryHttpMessageHandler(() => api);

        using var response = await _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api").GetAsync(new Uri("items", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retry = Assert.Single(Of(TokenClientsTelemetry.UnauthorizedRetriesInstrument));
        Assert.Equal(1, retry.Value);
        Assert.Equal(_name, retry.Tags[TokenClientsTelemetry.ProviderTag]);
    }

    [Fact]
    public async Task Interactive_flow_without_a_stored_token_set_is_not_a_token_request()
    {
        _harness.AddProvider(_name, p => p.UseAuthorizationCode(o =>
        {
            o.TokenEndpoint = new Uri("https://idp.example/token");
            o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
            o.RedirectUri = new Uri("https://app.example/callback");
            o.ClientId = "app";
            o.ClientSecret = Secret;
        }));

        await Assert.ThrowsAsync<InteractionRequiredException>(async () => await _harness.Get(_name).GetTokenAsync(TokenContext.ForSubject("alice")));

        Assert.Empty(_capture.Spans);
        Assert.Empty(Of(TokenClientsTelemetry.TokenRequestsInstrument));
        Assert.Equal(1, Of(TokenClientsTelemetry.CacheMissesInstrument).Sum(m => m.Value));
    }

    private static void ClientCredentials(ClientCredentialsOptions o)
    {
        o.TokenEndpoint = new Uri("https://idp.example/token");
        o.ClientId = "app";
        o.ClientSecret = Secret;
    }

    private static void AssertNoSecretIn(Activity span)
    {
        foreach (var (key, value) in span.TagObjects)
        {
            var text = $"{key}={value}";
            Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(IssuedToken, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Secret, span.StatusDescription ?? string.Empty, StringComparison.Ordinal);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    private List<TelemetryCapture.Measurement> Of(string instrument) => _capture.Of(instrument);
}
