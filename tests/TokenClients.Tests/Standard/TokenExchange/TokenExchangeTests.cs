using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Standard.TokenExchange;

/// <summary>
/// The token exchange kind (RFC 8693) over a scripted subject provider and a MockHttp token endpoint: what it sends, and
/// that the exchanged token is cached per subject token and follows it.
/// </summary>
public sealed partial class TokenExchangeTests : IAsyncDisposable
{
    private const string Endpoint = "https://sts.example/token";
    private const string Exchange = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private readonly Harness _harness = new();
    private readonly FakeTokenClient _subjects;
    private int _exchanges;

    public TokenExchangeTests()
    {
        _subjects = new FakeTokenClient(_harness.Time) { Lifetime = TimeSpan.FromMinutes(10) };
        _harness.Services.AddTokenProvider("upstream", p => p.UseTokenClient("fake", (_, _) => _subjects));
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Exchange_sends_the_subject_providers_token_with_audience_and_types_and_caches_the_result()
    {
        AddExchange(o =>
        {
            o.SubjectTokenProvider = "upstream";
            o.Audience = "orders-api";
            o.Scope = "orders.read";
            o.Resource = "https://orders.example/";
            o.RequestedTokenType = AccessTokenType;
        });
        _harness.Mock.Expect(HttpMethod.Post, Endpoint)
            .WithExactFormData([
                new("grant_type", Exchange), new("subject_token", "access-1"), new("subject_token_type", AccessTokenType),
                new("audience", "orders-api"), new("requested_token_type", AccessTokenType), new("scope", "orders.read"),
                new("resource", "https://orders.example/"),
            ])
            .WithHeaders("Authorization", "Basic ZXhjaGFuZ2VyOmV4Y2hhbmdlci1zZWNyZXQ=")
            .Respond("application/json", """{"access_token":"exchanged-1","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":300}""");
        var provider = _harness.Get("exchange");

        var first = await provider.GetTokenAsync();
        var second = await provider.GetTokenAsync();

        Assert.Equal("exchanged-1", first.Value);
        Assert.Same(first, second);
        _harness.Mock.VerifyNoOutstandingExpectation();
        Assert.Equal(1, _subjects.Requests);
    }

    [Fact]
    public async Task A_rotated_subject_token_is_exchanged_anew()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        RespondToExchanges();
        var provider = _harness.Get("exchange");
        _subjects.Lifetime = TimeSpan.FromMinutes(2);
        Assert.Equal("exchanged-1-for-access-1", (await provider.GetTokenAsync()).Value);

        // The subject token expires (and is replaced) long before the exchanged one.
        _harness.Time.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal("exchanged-2-for-access-2", (await provider.GetTokenAsync()).Value);
        Assert.Equal(2, _exchanges);
    }

    [Fact]
    public async Task An_invalidated_subject_token_takes_its_exchanged_token_with_it()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        RespondToExchanges();
        var provider = _harness.Get("exchange");
        var upstream = _harness.Get("upstream");
        await provider.GetTokenAsync();

        await upstream.InvalidateAsync(await upstream.GetTokenAsync());

        Assert.Equal("exchanged-2-for-access-2", (await provider.GetTokenAsync()).Value);
    }

    [Fact]
    public async Task A_401_on_the_exchanged_token_drops_it_and_keeps_the_subject_token()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        RespondToExchanges();
        var provider = _harness.Get("exchange");
        var exchanged = await provider.GetTokenAsync();

        await provider.InvalidateAsync(exchanged);
        var replacement = await provider.GetTokenAsync();

        Assert.Equal("exchanged-2-for-access-1", replacement.Value);
        Assert.Equal(1, _subjects.Requests);
        Assert.Equal("access-1", (await _harness.Get("upstream").GetTokenAsync()).Value);
    }

    [Fact]
    public async Task A_subject_token_the_server_rejects_is_dropped_at_its_provider_and_a_new_one_exchanged_once()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        _harness.Mock.Expect(HttpMethod.Post, Endpoint).WithFormData("subject_token", "access-1")
            .Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_grant","error_description":"subject token revoked"}""");
        _harness.Mock.Expect(HttpMethod.Post, Endpoint).WithFormData("subject_token", "access-2")
            .Respond("application/json", """{"access_token":"exchanged-ok","token_type":"Bearer","expires_in":300}""");

        Assert.Equal("exchanged-ok", (await _harness.Get("exchange").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
        Assert.Equal(2, _subjects.Requests);
    }

    [Fact]
    public async Task Concurrent_callers_for_one_subject_token_share_one_exchange()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        var release = new TaskCompletionSource();
        _harness.Mock.When(HttpMethod.Post, Endpoint).Respond(async () =>
        {
            Interlocked.Increment(ref _exchanges);
            await release.Task;
            return Json("""{"access_token":"exchanged-shared","token_type":"Bearer","expires_in":300}""");
        });
        var provider = _harness.Get("exchange");

        var callers = Enumerable.Range(0, 16).Select(_ => provider.GetTokenAsync().AsTask()).ToList();
        release.SetResult();
        var tokens = await Task.WhenAll(callers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(tokens, t => Assert.Equal("exchanged-shared", t.Value));
        Assert.Equal(1, _exchanges);
    }

    private void AddExchange(Action<TokenExchangeOptions> configure) =>
        _harness.AddProvider("exchange", p => p.UseTokenExchange(o =>
        {
            o.TokenEndpoint = new Uri(Endpoint);
            o.ClientId = "exchanger";
            o.ClientSecret = "exchanger-secret";
            configure(o);
        }));

    /// <summary>Answers every exchange with a token that names its number and the subject token it was given.</summary>
    private void RespondToExchanges() =>
        _harness.Mock.When(HttpMethod.Post, Endpoint).Respond(async request =>
        {
            var form = await request.Content!.ReadAsStringAsync();
            var subject = System.Web.HttpUtility.ParseQueryString(form)["subject_token"];
            var n = Interlocked.Increment(ref _exchanges);
            return Json($$"""{"access_token":"exchanged-{{n}}-for-{{subject}}","token_type":"Bearer","expires_in":3600}""");
        });

    private static HttpResponseMessage Json(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
}
