using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RichardSzalay.MockHttp;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Diagnostics;

/// <summary>
/// The telemetry's contract with OpenTelemetry tooling: versioned sources, meters from the container's factory, a
/// duration histogram with buckets for seconds, semantic-convention tags, and attempts that are the token request's own.
/// </summary>
[Collection(TelemetryTestGroup.Name)]
public sealed class TelemetryConventionTests : IAsyncDisposable
{
    private static readonly double[] SecondBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

    private readonly Harness _harness = new();
    private readonly string _name = "telc-" + Guid.NewGuid().ToString("N")[..8];
    private readonly TelemetryCapture _capture;

    public TelemetryConventionTests() => _capture = new TelemetryCapture(_name);

    public async ValueTask DisposeAsync()
    {
        _capture.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task Meter_comes_from_the_containers_meter_factory_and_carries_the_package_version()
    {
        _harness.Services.AddMetrics();
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => new FakeTokenClient(_harness.Time)));

        await _harness.Get(_name).GetTokenAsync();

        var miss = Assert.Single(_capture.Of(TokenClientsTelemetry.CacheMissesInstrument));
        Assert.Same(_harness.Provider.GetRequiredService<IMeterFactory>(), miss.Instrument.Meter.Scope);
        Assert.Equal(PackageVersion, miss.Instrument.Meter.Version);
        Assert.Equal(PackageVersion, Assert.Single(_capture.Spans).Source.Version);
    }

    [Fact]
    public async Task Provider_built_without_a_container_records_on_the_default_versioned_meter()
    {
        using var provider = new TokenProvider(_name, new FakeTokenClient(_harness.Time), new TokenProviderOptions(), _harness.Time, NullLogger.Instance, store: null);

        await provider.GetTokenAsync();

        var miss = Assert.Single(_capture.Of(TokenClientsTelemetry.CacheMissesInstrument));
        Assert.Null(miss.Instrument.Meter.Scope);
        Assert.Equal(PackageVersion, miss.Instrument.Meter.Version);
        Assert.Single(_capture.Of(TokenClientsTelemetry.TokenRequestsInstrument));
    }

    [Fact]
    public async Task Duration_histogram_is_in_seconds_with_bucket_advice_for_seconds()
    {
        _harness.Services.AddMetrics();
        _harness.AddProvider(_name, p => p.UseTokenClient("Fake", (_, _) => new FakeTokenClient(_harness.Time)));

        await _harness.Get(_name).GetTokenAsync();

        var duration = Assert.Single(_capture.Of(TokenClientsTelemetry.TokenRequestDurationInstrument));
        var histogram = Assert.IsType<Histogram<double>>(duration.Instrument);
        Assert.Equal("s", histogram.Unit);
        Assert.Equal(SecondBuckets, histogram.Advice?.HistogramBucketBoundaries);
        Assert.Equal("{request}", Assert.Single(_capture.Of(TokenClientsTelemetry.TokenRequestsInstrument)).Instrument.Unit);
    }

    [Fact]
    public async Task Token_request_metrics_and_span_carry_server_address_and_error_type()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_client"}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (new Uri("https://idp.example/token"), "app", "s3cret")));

        await Assert.ThrowsAsync<TokenRequestException>(async () => await _harness.Get(_name).GetTokenAsync());

        foreach (var instrument in new[] { TokenClientsTelemetry.TokenRequestsInstrument, TokenClientsTelemetry.TokenRequestDurationInstrument })
        {
            var tags = Assert.Single(_capture.Of(instrument)).Tags;
            Assert.Equal("idp.example", tags["server.address"]);
            Assert.Equal(443, tags["server.port"]);
            Assert.Equal(typeof(TokenRequestException).FullName, tags["error.type"]);
        }

        var span = Assert.Single(_capture.Spans);
        Assert.Equal("idp.example", span.GetTagItem("server.address"));
        Assert.Equal(443, span.GetTagItem("server.port"));
    }

    [Fact]
    public async Task Successful_token_request_metrics_carry_no_error_type()
    {
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond("application/json", """{"access_token":"a","expires_in":3600}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (new Uri("https://idp.example/token"), "app", "s3cret")));

        await _harness.Get(_name).GetTokenAsync();

        var tags = Assert.Single(_capture.Of(TokenClientsTelemetry.TokenRequestsInstrument)).Tags;
        Assert.Equal("idp.example", tags["server.address"]);
        Assert.Equal("client_credentials", tags[TokenClientsTelemetry.GrantTag]);
        Assert.False(tags.ContainsKey("error.type"));
    }

    [Fact]
    public async Task Discovery_and_key_set_fetches_are_not_attempts_of_the_token_request()
    {
        _harness.Mock.Expect(HttpMethod.Get, "https://idp.example/.well-known/openid-configuration").Respond("application/json", """
            {"issuer":"https://idp.example","token_endpoint":"https://idp.example/token","jwks_uri":"https://idp.example/jwks"}
            """);
        _harness.Mock.Expect(HttpMethod.Get, "https://idp.example/jwks").Respond("application/json", """{"keys":[]}""");
        _harness.Mock.Expect(HttpMethod.Post, "https://idp.example/token").Respond("application/json", """{"access_token":"a","expires_in":3600}""");
        _harness.AddProvider(_name, p => p.UseClientCredentials(o => (o.Authority, o.ClientId, o.ClientSecret) = (new Uri("https://idp.example"), "app", "s3cret")));

        await _harness.Get(_name).GetTokenAsync();

        _harness.Mock.VerifyNoOutstandingExpectation();
        var span = Assert.Single(_capture.Spans);
        Assert.Equal(1, span.GetTagItem(TokenClientsTelemetry.AttemptsTag));
        Assert.Equal("client_credentials", span.GetTagItem(TokenClientsTelemetry.GrantTag));
    }

    private static string PackageVersion
    {
        get
        {
            var version = typeof(TokenClientsTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            return version.Split('+')[0];
        }
    }
}
