using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using TokenClients.IntegrationTests.Support;

namespace TokenClients.IntegrationTests.Protocol;

/// <summary>
/// A token request against a raw socket server, on both wire paths: the standard grants (<c>oauth2</c>) and the
/// described endpoint (<c>custom</c>), with short retry back-off and timeouts.
/// </summary>
public abstract class TokenEndpointWireFacts
{
    protected const string Provider = "idp";
    protected const string Token = """{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-2"}""";
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    public static TheoryData<string> Paths => ["oauth2", "custom"];

    protected static Task<TokenSet> Request(ServiceProvider services) =>
        services.GetRequiredKeyedService<ITokenClient>(Provider).RequestTokenAsync(TokenContext.Default, CancellationToken.None);

    protected static Task<TokenSet> Refresh(ServiceProvider services) =>
        services.GetRequiredKeyedService<ITokenClient>(Provider).RefreshTokenAsync(new TokenSet { AccessToken = "at-0", ExpiresAt = DateTimeOffset.MinValue, RefreshToken = "rt-1" }, TokenContext.Default, CancellationToken.None);

    private protected static ServiceProvider Build(RawHttpServer server, string path, Action<HttpStandardResilienceOptions>? resilience = null, Action<ITokenProviderBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddTokenProvider(Provider, p =>
        {
            var endpoint = new Uri(server.BaseAddress, "token");
            _ = path switch
            {
                "oauth2" => p.UseClientCredentials(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (endpoint, "client", "client-secret")),
                "discovery" => p.UseClientCredentials(o => (o.Authority, o.ClientId, o.ClientSecret) = (server.BaseAddress, "client", "client-secret")),
                _ => p.UseCustom(o => (o.TokenEndpoint, o.ClientId, o.ClientSecret) = (endpoint, "client", "client-secret")),
            };
            if (path == "custom-own-primary-handler")
            {
                p.ConfigureTokenHttpClient(h => h.ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = true }));
            }

            p.ConfigureResilience(r =>
            {
                r.Retry.Delay = TimeSpan.FromMilliseconds(20);
                r.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
                r.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                resilience?.Invoke(r);
            });
            configure?.Invoke(p);
        });
        return services.BuildServiceProvider();
    }

    /// <summary>A primary handler whose first connection attempt is refused before anything is sent.</summary>
    protected sealed class RefusingFirstConnection(Func<int> connect) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => connect() == 1
            ? throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (simulated).")
            : base.SendAsync(request, cancellationToken);
    }
}
