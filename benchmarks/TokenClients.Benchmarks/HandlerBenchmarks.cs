using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.Benchmarks;

/// <summary>What a warm cache adds to each request, against no handler (Baseline) and a pre-built header (Limit).</summary>
[MemoryDiagnoser]
public class HandlerBenchmarks
{
    private ServiceProvider _services = null!;
    private HttpMessageInvoker _baseline = null!;
    private HttpMessageInvoker _limit = null!;
    private HttpMessageInvoker _token = null!;
    private ServiceProvider _sharedServices = null!;
    private HttpMessageInvoker _tokenShared = null!;
    private ITokenProvider _provider = null!;
    private TokenContext[] _subjects = null!;
    private TokenContext _scoped = null!;
    private int _next;

    [Params(43, 850)]
    public int TokenLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_services, _) = Pipelines.Build(TokenLength, TimeSpan.FromHours(1), TimeSpan.Zero);
        _baseline = Pipelines.Invoker(_services, "baseline");
        _limit = Pipelines.Invoker(_services, "limit");
        _token = Pipelines.Invoker(_services, "token");
        _provider = _services.GetRequiredKeyedService<ITokenProvider>("bench");
        (_sharedServices, _) = Pipelines.Build(TokenLength, TimeSpan.FromHours(1), TimeSpan.Zero, new CountingDistributedCache());
        _tokenShared = Pipelines.Invoker(_sharedServices, "token");
        _tokenShared.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None).GetAwaiter().GetResult();
        _subjects = [.. Enumerable.Range(0, 1000).Select(i => TokenContext.ForSubject($"user-{i}"))];
        _scoped = new TokenContext(scope: "orders.read");
        foreach (var context in _subjects.Append(_scoped).Append(TokenContext.Default))
        {
            _provider.GetTokenAsync(context).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _sharedServices.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Baseline() => _baseline.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> Limit() => _limit.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerWarm() => _token.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);

    /// <summary>Limit, with the same request as the per-user and per-scope rows: one that carries a TokenContext.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> LimitWithContext()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri).WithTokenContext(_subjects[_next++ % _subjects.Length]);
        return _limit.SendAsync(request, CancellationToken.None);
    }

    /// <summary>Baseline, with a request that carries a TokenContext.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> BaselineWithContext()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri).WithTokenContext(_subjects[_next++ % _subjects.Length]);
        return _baseline.SendAsync(request, CancellationToken.None);
    }

    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerPerUserWarm()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri).WithTokenContext(_subjects[_next++ % _subjects.Length]);
        return _token.SendAsync(request, CancellationToken.None);
    }

    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerPerRequestScope() =>
        _token.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri).WithTokenContext(_scoped), CancellationToken.None);

    /// <summary>The warm handler of an application that also shares tokens through a distributed (L2) cache.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerWarmWithSharedCache() => _tokenShared.SendAsync(new HttpRequestMessage(HttpMethod.Get, Pipelines.ApiUri), CancellationToken.None);

    [Benchmark]
    public ValueTask<AccessToken> ProviderWarm() => _provider.GetTokenAsync();
}
