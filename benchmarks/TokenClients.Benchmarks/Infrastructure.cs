using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Http;
using TokenClients;

namespace TokenClients.Benchmarks;

/// <summary>The end of every pipeline: answers 200 in memory, synchronously.</summary>
internal sealed class OkHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
}

/// <summary>The end of a pipeline whose send completes later, as a real network send does.</summary>
internal sealed class AsyncOkHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
    }
}

/// <summary>
/// The floor of a per-user handler: the user's id in the request's options, a pre-built header per user in a
/// dictionary, no expiry, no refresh.
/// </summary>
internal sealed class IdealPerUserHandler(System.Collections.Concurrent.ConcurrentDictionary<string, AuthenticationHeaderValue> headers) : DelegatingHandler
{
    public static readonly HttpRequestOptionsKey<string> UserKey = new("user");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(UserKey, out var user) && headers.TryGetValue(user, out var header))
        {
            request.Headers.Authorization = header;
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>The floor: sets one pre-built header and forwards.</summary>
internal sealed class LimitHandler(AuthenticationHeaderValue header) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = header;
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A token endpoint in memory: tokens of a given length, a given lifetime, an optional latency; counts requests.</summary>
internal sealed class BenchTokenClient(int tokenLength, TimeSpan lifetime, TimeSpan latency, TimeProvider time) : ITokenClient
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public bool CanRefresh => false;

    public bool RequiresInteraction => false;

    public async Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _requests);
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, cancellationToken).ConfigureAwait(false);
        }

        var value = (n.ToString(System.Globalization.CultureInfo.InvariantCulture) + new string('x', tokenLength))[..tokenLength];
        return new TokenSet { AccessToken = value, ExpiresAt = time.GetUtcNow() + lifetime };
    }

    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>An in-memory distributed cache that counts every call made to it.</summary>
internal sealed class CountingDistributedCache : IDistributedCache
{
    private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public byte[]? Get(string key) => Count(_inner.Get(key));

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Count(_inner.GetAsync(key, token));

    public void Refresh(string key) => _inner.Refresh(Count(key));

    public Task RefreshAsync(string key, CancellationToken token = default) => Count(_inner.RefreshAsync(key, token));

    public void Remove(string key) => _inner.Remove(Count(key));

    public Task RemoveAsync(string key, CancellationToken token = default) => Count(_inner.RemoveAsync(key, token));

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => _inner.Set(Count(key), value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        Count(_inner.SetAsync(key, value, options, token));

    private T Count<T>(T value)
    {
        Interlocked.Increment(ref _calls);
        return value;
    }
}

internal static class Pipelines
{
    public static readonly Uri ApiUri = new("https://api.example/items");

    /// <summary>The users of the per-user rows.</summary>
    public static readonly string[] Users = [.. Enumerable.Range(0, 1000).Select(i => $"user-{i}")];

    /// <summary>
    /// Builds the services: clients "baseline", "limit", "token" and "ideal-per-user" ending in <see cref="OkHandler"/>,
    /// and "baseline-async", "limit-async", "token-async" ending in <see cref="AsyncOkHandler"/>.
    /// </summary>
    public static (ServiceProvider Services, BenchTokenClient Client) Build(int tokenLength, TimeSpan lifetime, TimeSpan latency, CountingDistributedCache? sharedCache = null, TimeProvider? time = null)
    {
        var services = new ServiceCollection();
        time ??= TimeProvider.System;
        services.AddSingleton(time);
        if (sharedCache is not null)
        {
            // The shared (L2) cache of a fleet: consulted only when the in-process cache has no usable token.
            services.AddSingleton<IDistributedCache>(sharedCache);
            services.AddDataProtection().UseEphemeralDataProtectionProvider();
            services.AddTokenClientsDistributedCache();
        }

        var client = new BenchTokenClient(tokenLength, lifetime, latency, time);
        services.AddTokenProvider("bench", p => p.UseTokenClient("Bench", (_, _) => client));
        services.AddHttpClient("baseline").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        var header = new AuthenticationHeaderValue("Bearer", new string('x', tokenLength));
        services.AddHttpClient("limit").AddHttpMessageHandler(() => new LimitHandler(header)).ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        services.AddHttpClient("token", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("bench").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        services.AddHttpClient("baseline-async").ConfigurePrimaryHttpMessageHandler(() => new AsyncOkHandler());
        services.AddHttpClient("limit-async").AddHttpMessageHandler(() => new LimitHandler(header)).ConfigurePrimaryHttpMessageHandler(() => new AsyncOkHandler());
        services.AddHttpClient("token-async", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("bench").ConfigurePrimaryHttpMessageHandler(() => new AsyncOkHandler());
        var perUser = new System.Collections.Concurrent.ConcurrentDictionary<string, AuthenticationHeaderValue>(
            Users.Select(u => KeyValuePair.Create(u, new AuthenticationHeaderValue("Bearer", new string('x', tokenLength)))));
        services.AddHttpClient("ideal-per-user").AddHttpMessageHandler(() => new IdealPerUserHandler(perUser)).ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        return (services.BuildServiceProvider(), client);
    }

    public static HttpMessageInvoker Invoker(ServiceProvider services, string name) =>
        new(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name), disposeHandler: false);
}
