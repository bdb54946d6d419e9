using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using TokenClients;

namespace TokenClients.Benchmarks;

/// <summary>The end of every pipeline: answers 200 in memory, synchronously.</summary>
internal sealed class OkHandler : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
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

    public Task<TokenSet> RefreshTokenAsync(string refreshToken, TokenContext context, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

internal static class Pipelines
{
    public static readonly Uri ApiUri = new("https://api.example/items");

    /// <summary>Builds the services: clients "baseline", "limit" and "token", all ending in <see cref="OkHandler"/>.</summary>
    public static (ServiceProvider Services, BenchTokenClient Client) Build(int tokenLength, TimeSpan lifetime, TimeSpan latency)
    {
        var services = new ServiceCollection();
        var client = new BenchTokenClient(tokenLength, lifetime, latency, TimeProvider.System);
        services.AddTokenProvider("bench", p => p.UseTokenClient("Bench", (_, _) => client));
        services.AddHttpClient("baseline").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        var header = new AuthenticationHeaderValue("Bearer", new string('x', tokenLength));
        services.AddHttpClient("limit").AddHttpMessageHandler(() => new LimitHandler(header)).ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        services.AddHttpClient("token", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("bench").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        return (services.BuildServiceProvider(), client);
    }

    public static HttpMessageInvoker Invoker(ServiceProvider services, string name) =>
        new(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(name), disposeHandler: false);
}
