using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using TokenClients.Internal;

namespace TokenClients.Benchmarks;

/// <summary>
/// The per-request cost of DPoP (RFC 9449) in the token handler: a warm bearer token against a warm DPoP-bound token
/// (a new ES256 proof per request), and one raw ES256 signature of a proof-sized input, the floor of any DPoP handler.
/// Target: the DPoP row's overhead over Baseline at most twice the raw signature.
/// </summary>
[MemoryDiagnoser]
public class DPoPBenchmarks : IDisposable
{
    private static readonly Uri Address = new("https://api.example/orders/42?page=3");
    private readonly byte[] _input = new byte[420];
    private readonly byte[] _signature = new byte[64];
    private ServiceProvider _services = null!;
    private HttpMessageInvoker _baseline = null!;
    private HttpMessageInvoker _bearer = null!;
    private HttpMessageInvoker _dpop = null!;
    private ECDsa _ec = null!;
    private DPoPProofKey _key = null!;
    private AccessToken _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("baseline").ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        foreach (var (name, dpop) in new[] { ("bearer", false), ("dpop", true) })
        {
            services.AddTokenProvider(name, p => p.UseTokenClient("InMemory", (_, _) => new InMemoryClient(dpop)));
            services.AddHttpClient(name, c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler(name)
                .ConfigurePrimaryHttpMessageHandler(() => new OkHandler());
        }

        _services = services.BuildServiceProvider();
        var handlers = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        _baseline = new HttpMessageInvoker(handlers.CreateHandler("baseline"), disposeHandler: false);
        _bearer = new HttpMessageInvoker(handlers.CreateHandler("bearer"), disposeHandler: false);
        _dpop = new HttpMessageInvoker(handlers.CreateHandler("dpop"), disposeHandler: false);
        _bearer.SendAsync(Request(), CancellationToken.None).GetAwaiter().GetResult().Dispose();
        _dpop.SendAsync(Request(), CancellationToken.None).GetAwaiter().GetResult().Dispose();

        _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        RandomNumberGenerator.Fill(_input);
        _key = DPoPProofKey.Generate(TimeProvider.System);
        _token = new AccessToken(new string('t', 43), "DPoP", DateTimeOffset.MaxValue, _key);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _baseline.Dispose();
        _bearer.Dispose();
        _dpop.Dispose();
        _services.Dispose();
        _ec.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>No token handler.</summary>
    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Baseline() => _baseline.SendAsync(Request(), CancellationToken.None);

    /// <summary>A warm bearer token: the non-DPoP path.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerBearer() => _bearer.SendAsync(Request(), CancellationToken.None);

    /// <summary>A warm DPoP-bound token: scheme DPoP and a new proof per request.</summary>
    [Benchmark]
    public Task<HttpResponseMessage> TokenHandlerDPoP() => _dpop.SendAsync(Request(), CancellationToken.None);

    /// <summary>One proof alone (payload, one signature, one string).</summary>
    [Benchmark]
    public string DPoPProofAlone() => _key.CreateProof("GET", Address, _token);

    /// <summary>One raw ES256 signature (P-256, SHA-256) of a proof-sized input: the floor.</summary>
    [Benchmark]
    public bool Es256SignatureAlone() => _ec.TrySignData(_input, _signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out _);

    private static HttpRequestMessage Request() => new(HttpMethod.Get, Address);

    /// <summary>An in-memory token endpoint: a bearer token, or a DPoP token bound to a generated key.</summary>
    private sealed class InMemoryClient(bool dpop) : ITokenClient, IProofOfPossessionClient
    {
        public bool CanRefresh => false;

        public bool RequiresInteraction => false;

        public ProofOfPossessionKey? ProofKey { get; } = dpop ? DPoPProofKey.Generate(TimeProvider.System) : null;

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) => Task.FromResult(new TokenSet
        {
            AccessToken = new string('t', 43),
            TokenType = dpop ? "DPoP" : "Bearer",
            ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(12),
        });

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
