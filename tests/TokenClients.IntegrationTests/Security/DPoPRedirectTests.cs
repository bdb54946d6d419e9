using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Internal;

namespace TokenClients.IntegrationTests.Security;

/// <summary>A redirect must carry neither a DPoP-bound token nor its proof to another origin (real HTTP, the framework's own redirects).</summary>
public sealed class DPoPRedirectTests
{
    [Theory]
    [InlineData(StatusCodes.Status302Found)]
    [InlineData(StatusCodes.Status307TemporaryRedirect)]
    [InlineData(StatusCodes.Status308PermanentRedirect)]
    public async Task Dpop_redirect_to_another_origin_carries_neither_the_token_nor_the_proof(int status)
    {
        string? authorization = "not called";
        string? proof = "not called";
        await using var other = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            authorization = context.Request.Headers.Authorization.ToString();
            proof = context.Request.Headers["DPoP"].ToString();
            return Task.CompletedTask;
        }));
        string? proofAtApi = null;
        await using var api = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            proofAtApi = context.Request.Headers["DPoP"].ToString();
            context.Response.StatusCode = status;
            context.Response.Headers.Location = new Uri(LoopbackServer.Address(other), "landing").AbsoluteUri;
            return Task.CompletedTask;
        }));

        var services = new ServiceCollection();
        services.AddTokenProvider("static", p => p.UseTokenClient("Static", (_, _) => new DPoPTokenClient()));
        services.AddHttpClient("api", c => c.BaseAddress = LoopbackServer.Address(api)).AddTokenHandler("static");
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("api")
            .PostAsync(new Uri("start", UriKind.Relative), new ByteArrayContent([1, 2, 3]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(proofAtApi!);
        Assert.Equal(string.Empty, authorization);
        Assert.Equal(string.Empty, proof);
    }

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
