using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>The protected API is the server's userinfo endpoint (<c>/me</c>), which checks DPoP-bound tokens and their proofs.</summary>
public sealed partial class DPoPTests
{
    private ConcurrentQueue<(string? Authorization, string? Proof, HttpStatusCode Status)> ApiTraffic { get; } = new();

    [Fact]
    public async Task A_dpop_bound_token_works_at_the_api_only_with_a_valid_proof()
    {
        var (api, provider) = StartCodeClient();
        await SignInAsync("alice");

        using var response = await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/me").WithTokenSubject("alice"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", JsonDocument.Parse(body).RootElement.GetProperty("sub").GetString());
        var sent = Assert.Single(ApiTraffic);
        var token = await provider.GetTokenAsync(TokenContext.ForSubject("alice")).AsTask().WaitAsync(Bound);
        Assert.Equal("DPoP " + token.Value, sent.Authorization);
        Assert.Equal(server.UserInfoEndpoint.AbsoluteUri, Proof(sent.Proof).Claim("htu"));

        // The same token without a proof, as Bearer or as DPoP, is refused by the server (400 or 401, as it sees fit).
        Assert.True(await RawUserInfoAsync("Bearer", token.Value, proof: null) is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized);
        Assert.True(await RawUserInfoAsync("DPoP", token.Value, proof: null) is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized);

        // A proof is single-use: the server refuses the one the handler sent when it comes again.
        Assert.True(await RawUserInfoAsync("DPoP", token.Value, sent.Proof) is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Dpop_nonce_required_by_the_api_is_answered_with_one_resend_that_keeps_the_token()
    {
        var (api, provider) = StartCodeClient();
        await SignInAsync("alice");
        var requested = TokenTraffic.Count;

        // The token endpoint (same origin) handed out a nonce already; by the time of this request it has gone stale.
        using (var stale = new HttpResponseMessage(HttpStatusCode.OK))
        {
            stale.Headers.Add("DPoP-Nonce", "stale-nonce");
            var key = ((Internal.IProofOfPossessionClient)((Caching.TokenProvider)provider).Client).ProofKey!;
            Assert.True(key.RememberNonce(server.UserInfoEndpoint, stale));
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/me").WithTokenSubject("alice");
        request.Headers.Add(OidcProviderServer.RequireNonceHeader, "1");
        using var response = await api.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var traffic = ApiTraffic.ToArray();
        Assert.Equal(2, traffic.Length);
        Assert.Equal(HttpStatusCode.Unauthorized, traffic[0].Status);
        Assert.Equal("stale-nonce", Proof(traffic[0].Proof).Claim("nonce"));
        Assert.NotEqual("stale-nonce", Proof(traffic[1].Proof).Claim("nonce"));
        Assert.Equal(traffic[0].Authorization, traffic[1].Authorization);
        Assert.Equal(requested, TokenTraffic.Count);
    }

    [Fact]
    public async Task A_refresh_sends_a_proof_and_the_refreshed_token_is_bound_to_the_same_key()
    {
        var (api, provider) = StartCodeClient();
        await SignInAsync("alice");
        var context = TokenContext.ForSubject("alice");
        var first = await provider.GetTokenAsync(context).AsTask().WaitAsync(Bound);

        await provider.InvalidateAsync(first, context);
        var refreshed = await provider.GetTokenAsync(context).AsTask().WaitAsync(Bound);

        Assert.NotEqual(first.Value, refreshed.Value);
        Assert.Equal(first.DPoPKeyThumbprint, refreshed.DPoPKeyThumbprint);
        Assert.Equal(refreshed.DPoPKeyThumbprint, (await server.IntrospectAsync(refreshed.Value)).GetProperty("cnf").GetProperty("jkt").GetString());
        Assert.All(TokenTraffic, t => Assert.NotNull(t.Proof));
        using var response = await api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/me").WithTokenSubject("alice"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private (HttpClient Api, ITokenProvider Provider) StartCodeClient(string? key = null)
    {
        var container = Build(services =>
        {
            services.AddTokenProvider("code", p =>
            {
                p.UseAuthorizationCode(o =>
                {
                    o.Authority = server.Issuer;
                    o.ClientId = OidcProviderServer.DPoPCodeClient;
                    o.ClientSecret = OidcProviderServer.JwtClientSecret;
                    o.RedirectUri = OidcProviderServer.RedirectUri;
                    o.Scope = "openid";
                    o.DPoP.Enabled = true;
                    o.DPoP.Key = key;
                });
                RecordTokenTraffic(p);
            });
            services.AddHttpClient("api", c => c.BaseAddress = server.Issuer).AddTokenHandler("code")
                .ConfigurePrimaryHttpMessageHandler(() => new ApiRecorder(ApiTraffic));
        });
        _flow = container.GetRequiredKeyedService<IAuthorizationCodeFlow>("code");
        return (container.GetRequiredService<IHttpClientFactory>().CreateClient("api"), container.GetRequiredKeyedService<ITokenProvider>("code"));
    }

    private IAuthorizationCodeFlow? _flow;

    /// <summary>Plays the user's browser: follows the authorize URL through the server's interactions to the callback.</summary>
    private async Task SignInAsync(string subject)
    {
        var start = await _flow!.StartAsync(subject);
        using var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { Timeout = Bound };
        var url = start.AuthorizeUri;
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.GetAsync(url);
            var location = response.Headers.Location ?? throw new InvalidOperationException($"The server answered {(int)response.StatusCode} without a redirect.");
            url = location.IsAbsoluteUri ? location : new Uri(url, location);
            if (url.GetLeftPart(UriPartial.Path) == OidcProviderServer.RedirectUri.AbsoluteUri)
            {
                await _flow.CompleteAsync(url, subject).WaitAsync(Bound);
                return;
            }
        }

        throw new InvalidOperationException("The sign-in never reached the callback.");
    }

    private async Task<HttpStatusCode> RawUserInfoAsync(string scheme, string token, string? proof)
    {
        using var http = new HttpClient { Timeout = Bound };
        using var request = new HttpRequestMessage(HttpMethod.Get, server.UserInfoEndpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }

        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The API client's primary handler: real HTTP, recording what each send carried and the status answered.</summary>
    private sealed class ApiRecorder(ConcurrentQueue<(string? Authorization, string? Proof, HttpStatusCode Status)> traffic) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var authorization = request.Headers.Authorization?.ToString();
            var proof = request.Headers.TryGetValues("DPoP", out var values) ? values.Single() : null;
            var response = await base.SendAsync(request, cancellationToken);
            traffic.Enqueue((authorization, proof, response.StatusCode));
            return response;
        }
    }
}
