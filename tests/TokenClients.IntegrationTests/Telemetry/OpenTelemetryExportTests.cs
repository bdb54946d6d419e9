using System.Diagnostics;
using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Telemetry;

/// <summary>
/// An ASP.NET Core app with the OpenTelemetry SDK and its in-memory exporters, getting a token inside a request from the
/// standard emulator (discovery first): what an operator's pipeline receives, names, units, buckets and parentage.
/// </summary>
public sealed class OpenTelemetryExportTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static readonly double[] SecondBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, double.PositiveInfinity];

    private readonly string _name = "otel-" + Guid.NewGuid().ToString("N")[..8];
    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<Metric> _metrics = new();

    [Fact]
    public async Task Token_request_span_is_a_child_of_the_aspnetcore_request_with_only_the_token_post_as_attempt()
    {
        await using var emulator = await StandardOAuth2Emulator.StartAsync();
        await using var app = await StartAppAsync(emulator);

        await CallAsync(app);

        var tokenRequest = await WaitForAsync(() => _spans.Snapshot().SingleOrDefault(s =>
            s.OperationName == TokenClientsTelemetry.TokenRequestActivity && Equals(s.GetTagItem(TokenClientsTelemetry.ProviderTag), _name)));
        var server = await WaitForAsync(() => _spans.Snapshot().SingleOrDefault(s => s.SpanId == tokenRequest.ParentSpanId));
        Assert.Equal(ActivityKind.Server, server.Kind);
        Assert.Equal("Microsoft.AspNetCore", server.Source.Name);
        Assert.Equal("/token", server.GetTagItem("url.path"));
        Assert.Equal(PackageVersion, tokenRequest.Source.Version);
        Assert.Equal("client_credentials", tokenRequest.GetTagItem(TokenClientsTelemetry.GrantTag));
        Assert.Equal("success", tokenRequest.GetTagItem(TokenClientsTelemetry.OutcomeTag));
        Assert.Equal(1, tokenRequest.GetTagItem(TokenClientsTelemetry.AttemptsTag));
        Assert.Equal("127.0.0.1", tokenRequest.GetTagItem("server.address"));
        Assert.Equal(emulator.BaseAddress.Port, tokenRequest.GetTagItem("server.port"));

        // Discovery, its key set and the token request all ran under the token request's span.
        var outgoing = _spans.Snapshot().Where(s => s.ParentSpanId == tokenRequest.SpanId && s.Kind == ActivityKind.Client).ToList();
        Assert.Equal(["GET", "GET", "POST"], outgoing.Select(s => s.GetTagItem("http.request.method") as string).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Token_request_metrics_export_with_names_units_version_tags_and_second_buckets()
    {
        await using var emulator = await StandardOAuth2Emulator.StartAsync();
        await using var app = await StartAppAsync(emulator);

        await CallAsync(app);
        await CallAsync(app);
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush((int)Bound.TotalMilliseconds));

        var metrics = _metrics.Snapshot();
        var duration = Latest(metrics, TokenClientsTelemetry.TokenRequestDurationInstrument);
        Assert.Equal("s", duration.Unit);
        Assert.Equal(MetricType.Histogram, duration.MetricType);
        Assert.Equal(PackageVersion, duration.MeterVersion);
        var point = Ours(duration);
        Assert.Equal(1, point.GetHistogramCount());
        var bounds = new List<double>();
        foreach (var bucket in point.GetHistogramBuckets())
        {
            bounds.Add(bucket.ExplicitBound);
        }

        Assert.Equal(SecondBuckets, bounds);
        var tags = Tags(point);
        Assert.Equal("client_credentials", tags[TokenClientsTelemetry.GrantTag]);
        Assert.Equal("success", tags[TokenClientsTelemetry.OutcomeTag]);
        Assert.Equal("127.0.0.1", tags["server.address"]);
        Assert.False(tags.ContainsKey("error.type"));

        var requests = Latest(metrics, TokenClientsTelemetry.TokenRequestsInstrument);
        Assert.Equal("{request}", requests.Unit);
        Assert.Equal(1, Ours(requests).GetSumLong());
        var hits = Latest(metrics, TokenClientsTelemetry.CacheHitsInstrument);
        Assert.Equal("{hit}", hits.Unit);
        Assert.Equal(1, Ours(hits).GetSumLong());
        Assert.Equal("{miss}", Latest(metrics, TokenClientsTelemetry.CacheMissesInstrument).Unit);
    }

    private static Metric Latest(List<Metric> metrics, string name) => metrics.Last(m => m.Name == name && m.MeterName == TokenClientsTelemetry.Name);

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in point.Tags)
        {
            tags[tag.Key] = tag.Value;
        }

        return tags;
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> find)
        where T : class
    {
        // A server span ends after its response reached the client: wait for the exporter, within a bound.
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            if (find() is { } found)
            {
                return found;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, timeout.Token);
        }
    }

    private static async Task CallAsync(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        Assert.Equal("ok", await client.GetStringAsync(new Uri("/token", UriKind.Relative)).WaitAsync(Bound));
    }

    private static string PackageVersion =>
        typeof(TokenClientsTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    private MetricPoint Ours(Metric metric)
    {
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            if (Tags(point).GetValueOrDefault(TokenClientsTelemetry.ProviderTag) as string == _name)
            {
                return point;
            }
        }

        throw new InvalidOperationException($"No point of {metric.Name} carries provider {_name}.");
    }

    private async Task<WebApplication> StartAppAsync(StandardOAuth2Emulator emulator)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(TokenClientsTelemetry.Name)
                .AddInMemoryExporter(_spans))
            .WithMetrics(metrics => metrics
                .AddMeter(TokenClientsTelemetry.Name)
                .AddInMemoryExporter(_metrics));
        builder.Services.AddTokenProvider(_name, p => p.UseClientCredentials(o =>
        {
            o.Authority = emulator.BaseAddress;
            o.ClientId = "demo-client";
            o.ClientSecret = "demo-secret";
            o.Scope = "api";
        }));
        var app = builder.Build();
        app.MapGet("/token", async (HttpContext context) =>
        {
            await context.RequestServices.GetRequiredKeyedService<ITokenProvider>(_name).GetTokenAsync(cancellationToken: context.RequestAborted);
            return "ok";
        });
        await app.StartAsync().WaitAsync(Bound);
        return app;
    }
}
