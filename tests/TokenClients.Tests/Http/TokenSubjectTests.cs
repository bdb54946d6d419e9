using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using RichardSzalay.MockHttp;
using TokenClients.Caching;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

/// <summary>A request that names its user by id gets exactly the token a ForSubject context gets, through every path.</summary>
public sealed class TokenSubjectTests : IDisposable
{
    private static readonly Uri Api = new("https://api.example/me");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly OneTimeRefreshClient _server;
    private readonly InMemoryTokenStore _store = new();
    private readonly TokenProvider _provider;
    private readonly MockHttpMessageHandler _api = new();
    private readonly HttpMessageInvoker _client;

    public TokenSubjectTests()
    {
        _server = new OneTimeRefreshClient(_time) { RequiresInteraction = true, Lifetime = TimeSpan.FromHours(1) };
        _provider = new TokenProvider("test", _server, new TokenProviderOptions { MaxCachedContexts = 2, RejectedTokenCooldown = TimeSpan.Zero }, _time, NullLogger.Instance, _store);
        _client = new HttpMessageInvoker(new TokenHandler(_provider, [new Uri("https://api.example/")]) { InnerHandler = _api });
    }

    public void Dispose()
    {
        _client.Dispose();
        _provider.Dispose();
        _api.Dispose();
    }

    [Fact]
    public async Task Subject_named_by_id_gets_the_same_token_as_its_context_and_a_rejected_one_is_replaced_for_both()
    {
        await _store.SetAsync("test", "alice", _server.SignIn());
        var seen = new List<string?>();
        _api.When(Api.AbsoluteUri).Respond(request =>
        {
            seen.Add(request.Headers.Authorization?.Parameter);
            return new HttpResponseMessage(seen.Count == 3 ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
        });

        await Send(r => r.WithTokenSubject("alice"));
        await Send(r => r.WithTokenContext(TokenContext.ForSubject("alice")));
        using var retried = await Send(r => r.WithTokenSubject("alice")); // 401, then resent once with a new token
        await Send(r => r.WithTokenContext(TokenContext.ForSubject("alice")));

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(seen[0], seen[1]);
        Assert.Equal(seen[0], seen[2]);
        Assert.NotEqual(seen[2], seen[3]);
        Assert.Equal(seen[3], seen[4]);
    }

    [Fact]
    public async Task Users_named_by_id_never_get_each_others_token_while_entries_are_evicted()
    {
        var users = new[] { "u0", "u1", "u2", "u3" };
        var issued = new Dictionary<string, string>();
        foreach (var user in users)
        {
            var set = _server.SignIn();
            issued[user] = set.AccessToken;
            await _store.SetAsync("test", user, set);
        }

        var wrong = new List<string>();
        _api.When(Api.AbsoluteUri).Respond(_ => new HttpResponseMessage(HttpStatusCode.OK));
        for (var i = 0; i < 40; i++)
        {
            var user = users[(i * 7) % users.Length];
            var token = await _provider.GetSubjectTokenAsync(user, CancellationToken.None);
            if (token.Value != issued[user])
            {
                wrong.Add($"{user} got {token.Value}");
            }
        }

        Assert.Empty(wrong);
        Assert.True(_provider.CachedContextCount <= 3);
    }

    private async Task<HttpResponseMessage> Send(Func<HttpRequestMessage, HttpRequestMessage> name)
    {
        using var request = name(new HttpRequestMessage(HttpMethod.Get, Api));
        return await _client.SendAsync(request, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}
