using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.OAuth2;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Standard.TokenExchange;

public sealed partial class TokenExchangeTests
{
    private const string Incoming = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.incoming-7c2d";

    [Fact]
    public async Task A_subject_token_from_the_request_context_is_exchanged_once_per_token_and_never_sent_as_a_parameter_twice()
    {
        AddExchange(o => o.Audience = "orders-api");
        RespondToExchanges();
        var provider = _harness.Get("exchange");

        var a1 = await provider.GetTokenAsync(WithSubjectToken(Incoming));
        var a2 = await provider.GetTokenAsync(WithSubjectToken(Incoming));
        var b = await provider.GetTokenAsync(WithSubjectToken("another-incoming-token"));

        Assert.Equal($"exchanged-1-for-{Incoming}", a1.Value);
        Assert.Same(a1, a2);
        Assert.Equal("exchanged-2-for-another-incoming-token", b.Value);
        Assert.Equal(0, _subjects.Requests);
    }

    [Fact]
    public void The_cache_entry_of_an_exchange_holds_a_hash_of_the_subject_token_not_the_token()
    {
        AddExchange(o => { });
        var subjects = _harness.Provider.GetRequiredKeyedService<TokenExchangeSubjects>("exchange");
        var request = new TokenContext(subject: "alice", scope: "orders.read", parameters: [new(TokenExchangeOptions.SubjectTokenParameter, Incoming), new("tenant", "t1")]);

        var entry = subjects.EntryContext(request, subjectToken: null);

        Assert.DoesNotContain(entry.Parameters, p => p.Value.Contains("incoming", StringComparison.Ordinal) || p.Key == TokenExchangeOptions.SubjectTokenParameter);
        Assert.Equal(64, entry.Parameters[TokenExchangeTokenClient.SubjectHashParameter].Length);
        Assert.Equal("t1", entry.Parameters["tenant"]);
        Assert.Equal(("alice", "orders.read"), (entry.Subject, entry.Scope));
        Assert.Equal(entry, subjects.EntryContext(new TokenContext(subject: "alice", scope: "orders.read", parameters: [new("tenant", "t1"), new(TokenExchangeOptions.SubjectTokenParameter, Incoming)]), null));
        Assert.NotEqual(entry, subjects.EntryContext(new TokenContext(subject: "alice", scope: "orders.read", parameters: [new(TokenExchangeOptions.SubjectTokenParameter, "other"), new("tenant", "t1")]), null));

        // Nor does the key of the shared cache, built from the entry's context.
        var key = TokenClients.Caching.DistributedTokenCoordinator.ContextKey(_harness.Provider.GetRequiredKeyedService<ITokenClient>("exchange"), "exchange", entry);
        Assert.DoesNotContain("incoming", key, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_without_a_subject_token_and_no_subject_provider_is_a_mistake_only_code_can_fix()
    {
        AddExchange(o => { });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _harness.Get("exchange").GetTokenAsync().AsTask());

        Assert.Contains("'subject_token' parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_actor_token_comes_from_its_provider_and_the_subject_user_is_passed_on()
    {
        var actor = new FakeTokenClient(_harness.Time);
        _harness.Services.AddTokenProvider("service", p => p.UseTokenClient("fake", (_, _) => actor));
        _subjects.RequiresInteraction = false;
        _subjects.OnRequest = context => _subjects.Issue($"user-token-of-{context.Subject}");
        AddExchange(o => { o.SubjectTokenProvider = "upstream"; o.ActorTokenProvider = "service"; });
        _harness.Mock.Expect(HttpMethod.Post, Endpoint)
            .WithFormData([new("subject_token", "user-token-of-alice"), new("actor_token", "access-1"), new("actor_token_type", AccessTokenType)])
            .Respond("application/json", """{"access_token":"on-behalf-of-alice","token_type":"Bearer","expires_in":300}""");

        var token = await _harness.Get("exchange").GetTokenAsync(new TokenContext(subject: "alice", scope: "orders.read"));

        Assert.Equal("on-behalf-of-alice", token.Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Neither_the_subject_token_nor_the_exchanged_token_reaches_a_log_or_an_error()
    {
        AddExchange(o => { });
        _harness.Mock.Expect(HttpMethod.Post, Endpoint)
            .Respond(System.Net.HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_target"}""");
        RespondToExchanges();
        var provider = _harness.Get("exchange");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => provider.GetTokenAsync(WithSubjectToken(Incoming)).AsTask());
        var token = await provider.GetTokenAsync(WithSubjectToken(Incoming));

        Assert.Equal("invalid_target", error.Error);
        Assert.DoesNotContain(Incoming, error.ToString(), StringComparison.Ordinal);
        var logs = _harness.Logs.AllText();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain("incoming-7c2d", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Value, logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_token_client_asked_directly_exchanges_the_subject_providers_current_token()
    {
        AddExchange(o => o.SubjectTokenProvider = "upstream");
        RespondToExchanges();

        var tokens = await _harness.Provider.GetRequiredKeyedService<ITokenClient>("exchange").RequestTokenAsync(TokenContext.Default, CancellationToken.None);

        Assert.Equal("exchanged-1-for-access-1", tokens.AccessToken);
    }

    private static TokenContext WithSubjectToken(string subjectToken) => new(parameters: [new(TokenExchangeOptions.SubjectTokenParameter, subjectToken)]);
}
