using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.Benchmarks;

/// <summary>
/// The patterns a real application mixes: an asynchronous network send, a process where some requests carry a context
/// and some do not, and a context built per request (<c>TokenContext.ForSubject(id)</c>) against an ideal per-user
/// handler (a pre-built header per user in a dictionary).
/// </summary>
[MemoryDiagnoser]
public class PerRequestBenchmarks
{
    private ServiceProvider _services = null!;
    private HttpMessageInvoker _baseline = null!;
    private HttpMessageInvoker _token = null!;
    private HttpMessageInvoker _ideal = null!;
    private HttpMessageInvoker _baselineAsync = null!;
    private HttpMessageInvoker _limitAsync = null!;
    private HttpMessageInvoker _tokenAsync = null!;
    private int _next;

    [Params(43)]
    public int TokenLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_services, _) = Pipelines.Build(TokenLength, TimeSpan.FromHours(1), TimeSpan.Zero);
        _baseline = Pipelines.Invoker(_services, "baseline");
        _token = Pipelines.Invoker(_services, "token");
        _ideal = Pipelines.Invoker(_services, "ideal-per-user");
        _baselineAsync = Pipelines.Invoker(_services, "baseline-async");
        _limitAsync = Pipelines.Invoker(_services, "limit-async");
        _tokenAsync = Pipelines.Invoker(_services, "token-async");

        // Warm every user's token, and let this process send requests with contexts (the mixed row below).
        foreach (var user in Pipelines.Users)
        {
            _token.SendAsync(Request().WithTokenContext(TokenContext.ForSubject(user)), CancellationToken.None).GetAwaiter().GetResult();
        }

        _token.SendAsync(Request(), CancellationToken.None).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>No token handler; the request carries the user's id as the per-user rows' requests do.</summary>
    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> BaselineWithUserOption()
    {
        var request = Request();
        request.Options.Set(IdealPerUserHandler.UserKey, NextUser());
        return _baseline.SendAsync(request, CancellationToken.None);
    }

    /// <summary>The floor of a per-user handler: the user's id in the options, a pre-built header from a dictionary.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> IdealPerUser()
    {
        var request = Request();
        request.Options.Set(IdealPerUserHandler.UserKey, NextUser());
        return _ideal.SendAsync(request, CancellationToken.None);
    }

    /// <summary>A new context per request, 1,000 users cached.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerForSubjectPerRequest() =>
        _token.SendAsync(Request().WithTokenContext(TokenContext.ForSubject(NextUser())), CancellationToken.None);

    /// <summary>The README's per-request pattern: the user named by id, 1,000 users cached.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerSubjectPerRequest() =>
        _token.SendAsync(Request().WithTokenSubject(NextUser()), CancellationToken.None);

    /// <summary>A request without a context in a process where other requests carry contexts.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerWarmMixedProcess() => _token.SendAsync(Request(), CancellationToken.None);

    /// <summary>No token handler, an asynchronous network send.</summary>
    [Benchmark]
    public async Task<HttpResponseMessage> BaselineAsyncSend() => await _baselineAsync.SendAsync(Request(), CancellationToken.None).ConfigureAwait(false);

    /// <summary>A pre-built header, an asynchronous network send.</summary>
    [Benchmark]
    public async Task<HttpResponseMessage> LimitAsyncSend() => await _limitAsync.SendAsync(Request(), CancellationToken.None).ConfigureAwait(false);

    /// <summary>The warm token handler, an asynchronous network send.</summary>
    [Benchmark]
    public async Task<HttpResponseMessage> TokenHandlerAsyncSend() => await _tokenAsync.SendAsync(Request(), CancellationToken.None).ConfigureAwait(false);

    private static HttpRequestMessage Request() => new(HttpMethod.Get, Pipelines.ApiUri);

    private string NextUser() => Pipelines.Users[_next++ % Pipelines.Users.Length];
}
