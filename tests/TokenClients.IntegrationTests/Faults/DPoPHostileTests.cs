using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.IntegrationTests.Support;
using TokenClients.Internal;

namespace TokenClients.IntegrationTests.Faults;

/// <summary>DPoP against servers that misbehave on the wire: a nonce demanded forever, a stalled token endpoint, an API that stalls the resend.</summary>
public sealed class DPoPHostileTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string NonceDemand = """{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof"}""";
    private ServiceProvider? _services;
    private int _nonces;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dpop_nonce_required_twice_fails_with_typed_error_after_exactly_two_sends()
    {
        await using var endpoint = RawHttpServer.Start(async (_, answer) =>
        {
            await answer.HeadersAsync(400, NonceDemand.Length, "application/json", $"DPoP-Nonce: nonce-{Interlocked.Increment(ref _nonces)}");
            await answer.WriteAsync(NonceDemand);
        });

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Provider(endpoint).GetTokenAsync().AsTask().WaitAsync(Bound));

        Assert.Equal("use_dpop_nonce", error.Error);
        Assert.Contains("demanded a DPoP nonce again", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.False(Payload(endpoint.Requests[0]).TryGetProperty("nonce", out _));
        Assert.Equal("nonce-1", Payload(endpoint.Requests[1]).GetProperty("nonce").GetString());
    }

    [Fact]
    public async Task A_stalled_token_endpoint_fails_with_a_typed_error_and_each_attempt_carries_its_own_proof()
    {
        await using var endpoint = RawHttpServer.Start((_, answer) => answer.StallAsync());

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Provider(endpoint, TimeSpan.FromMilliseconds(500)).GetTokenAsync().AsTask().WaitAsync(Bound));

        Assert.Null(error.StatusCode);
        Assert.Equal(2, endpoint.Requests.Count);
        Assert.NotEqual(Payload(endpoint.Requests[0]).GetProperty("jti").GetString(), Payload(endpoint.Requests[1]).GetProperty("jti").GetString());
    }

    [Fact]
    public async Task An_api_that_stalls_the_nonce_resend_ends_with_the_callers_cancellation_and_the_request_keeps_neither_token_nor_proof()
    {
        const string challenge = "WWW-Authenticate: DPoP error=\"use_dpop_nonce\"";
        await using var api = RawHttpServer.Start(async (request, answer) =>
        {
            if (Interlocked.Increment(ref _nonces) == 1)
            {
                await answer.HeadersAsync(401, 0, "text/plain", challenge, "DPoP-Nonce: api-nonce");
                return;
            }

            await answer.StallAsync();
        });
        var services = new ServiceCollection();
        services.AddTokenProvider("static", p => p.UseTokenClient("Static", (_, _) => new DPoPTokenClient()));
        services.AddHttpClient("api", c => c.BaseAddress = api.BaseAddress).AddTokenHandler("static");
        _services = services.BuildServiceProvider();
        using var request = new HttpRequestMessage(HttpMethod.Get, "items");
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _services.GetRequiredService<IHttpClientFactory>().CreateClient("api").SendAsync(request, giveUp.Token).WaitAsync(Bound));

        Assert.Equal(2, api.Requests.Count);
        Assert.Equal("api-nonce", Payload(api.Requests[1]).GetProperty("nonce").GetString());
        Assert.Null(request.Headers.Authorization);
        Assert.False(request.Headers.Contains("DPoP"));
    }

    private ITokenProvider Provider(RawHttpServer endpoint, TimeSpan? attemptTimeout = null)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("idp", p =>
        {
            p.UseClientCredentials(o =>
            {
                o.TokenEndpoint = new Uri(endpoint.BaseAddress, "token");
                o.ClientId = "c";
                o.ClientSecret = "s";
                o.DPoP.Enabled = true;
            });
            p.ConfigureResilience(r =>
            {
                r.Retry.MaxRetryAttempts = 1;
                r.Retry.Delay = TimeSpan.FromMilliseconds(10);
                r.AttemptTimeout.Timeout = attemptTimeout ?? TimeSpan.FromSeconds(10);
            });
        });
        _services = services.BuildServiceProvider();
        return _services.GetRequiredKeyedService<ITokenProvider>("idp");
    }

    private static JsonElement Payload(RawRequest request) =>
        JsonDocument.Parse(Base64Url.DecodeFromChars(request.Headers["DPoP"].Split('.')[1])).RootElement.Clone();

    /// <summary>Issues DPoP tokens bound to its own generated key.</summary>
    private sealed class DPoPTokenClient : ITokenClient, IProofOfPossessionClient
    {
        public bool CanRefresh => false;

        public bool RequiresInteraction => false;

        public ProofOfPossessionKey? ProofKey { get; } = DPoPProofKey.Generate(TimeProvider.System);

        public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new TokenSet { AccessToken = "dpop-bound-token", TokenType = "DPoP", ExpiresAt = TimeProvider.System.GetUtcNow().AddHours(1) });

        public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
