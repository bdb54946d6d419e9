using System.Net;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Http;

public sealed class TokenHandlerTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private readonly Harness _harness = new();
    private readonly MockHttpMessageHandler _api = new();
    private int _tokens;

    public TokenHandlerTests()
    {
        _api.Fallback.Throw(new InvalidOperationException("An API request matched no expectation."));
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(_ =>
            new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent($$"""{"access_token":"token-{{Interlocked.Increment(ref _tokens)}}","token_type":"bearer","expires_in":3600}""", System.Text.Encoding.UTF8, "application/json"),
            });
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/"))
            .AddTokenHandler("idp")
            .ConfigurePrimaryHttpMessageHandler(() => _api);
    }

    private HttpClient Api => _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task Attaches_the_token_with_the_scheme_normalised_to_Bearer()
    {
        _api.Expect("https://api.example/items").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);
        _api.Expect("https://api.example/items").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);

        (await Api.GetAsync(new Uri("items", UriKind.Relative))).EnsureSuccessStatusCode();
        (await Api.GetAsync(new Uri("items", UriKind.Relative))).EnsureSuccessStatusCode();

        _api.VerifyNoOutstandingExpectation();
        Assert.Equal(1, _tokens);
    }

    [Fact]
    public async Task Unauthorized_invalidates_the_token_and_retries_once_with_a_new_one()
    {
        _api.Expect(HttpMethod.Post, "https://api.example/items").WithHeaders("Authorization", "Bearer token-1").WithContent("payload").Respond(HttpStatusCode.Unauthorized);
        _api.Expect(HttpMethod.Post, "https://api.example/items").WithHeaders("Authorization", "Bearer token-2").WithContent("payload").Respond(HttpStatusCode.Created);

        var response = await Api.PostAsync(new Uri("items", UriKind.Relative), new StringContent("payload"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, _tokens);
        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task A_second_unauthorized_is_returned_to_the_caller()
    {
        _api.Expect("https://api.example/items").Respond(HttpStatusCode.Unauthorized);
        _api.Expect("https://api.example/items").Respond(HttpStatusCode.Unauthorized);

        var response = await Api.GetAsync(new Uri("items", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, _tokens);
        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Content_that_cannot_be_resent_is_not_retried()
    {
        _api.Expect(HttpMethod.Post, "https://api.example/upload").Respond(HttpStatusCode.Unauthorized);

        var response = await Api.PostAsync(new Uri("upload", UriKind.Relative), new StreamContent(new MemoryStream([1, 2, 3])));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Fails_closed_when_no_token_can_be_had()
    {
        _api.Fallback.Respond(_ => throw new InvalidOperationException("The request left without a token."));
        _harness.Mock.Clear();
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_client"}""");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => Api.GetAsync(new Uri("items", UriKind.Relative)));

        Assert.Equal("invalid_client", error.Error);
        _api.VerifyNoOutstandingRequest();
    }

    [Fact]
    public async Task Token_is_not_sent_to_another_origin()
    {
        _api.Expect("https://elsewhere.example/x").With(r => r.Headers.Authorization is null).Respond(HttpStatusCode.OK);

        (await Api.GetAsync(new Uri("https://elsewhere.example/x"))).EnsureSuccessStatusCode();

        _api.VerifyNoOutstandingExpectation();
        Assert.Equal(0, _tokens);
        Assert.Contains(_harness.Logs.Lines(), line => line.Contains("https://elsewhere.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Client_without_base_address_or_allowed_origins_fails_the_request_unless_any_origin_is_allowed()
    {
        _harness.Services.AddHttpClient("bare").AddTokenHandler("idp").ConfigurePrimaryHttpMessageHandler(() => _api);
        _harness.Services.AddHttpClient("open").AddTokenHandler("idp", o => o.AllowAnyOrigin = true).ConfigurePrimaryHttpMessageHandler(() => _api);
        _api.Expect("https://api.example/x").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);
        var factory = _harness.Provider.GetRequiredService<IHttpClientFactory>();

        // Never sent unauthenticated: a handler whose token may go nowhere is a configuration error, and says what to set.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => factory.CreateClient("bare").GetAsync(new Uri("https://api.example/x")));
        Assert.Contains("BaseAddress", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedOrigins", error.Message, StringComparison.Ordinal);
        await factory.CreateClient("open").GetAsync(new Uri("https://api.example/x"));

        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Typed_client_that_sets_its_base_address_in_its_constructor_gets_an_error_that_says_what_to_configure_not_a_401()
    {
        _harness.Services.AddHttpClient<ConstructorBaseAddressClient>().AddTokenHandler("idp").ConfigurePrimaryHttpMessageHandler(() => _api);
        _api.Fallback.Respond(HttpStatusCode.Unauthorized);

        var client = _harness.Provider.GetRequiredService<ConstructorBaseAddressClient>();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.Http.GetAsync(new Uri("orders", UriKind.Relative)));

        Assert.Contains("typed client's constructor", error.Message, StringComparison.Ordinal);
        Assert.Contains("https://api.example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_origins_receive_the_token_besides_the_base_address()
    {
        _harness.Services.AddHttpClient("multi", c => c.BaseAddress = new Uri("https://api.example/"))
            .AddTokenHandler("idp", o => o.AllowedOrigins.Add(new Uri("https://files.example")))
            .ConfigurePrimaryHttpMessageHandler(() => _api);
        _api.Expect("https://files.example/f").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);
        _api.Expect("https://files.example:8443/f").With(r => r.Headers.Authorization is null).Respond(HttpStatusCode.OK);

        var client = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("multi");
        await client.GetAsync(new Uri("https://files.example/f"));
        await client.GetAsync(new Uri("https://files.example:8443/f"));

        _api.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Per_request_context_selects_the_token()
    {
        _api.Expect("https://api.example/a").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);
        _api.Expect("https://api.example/b").WithHeaders("Authorization", "Bearer token-2").Respond(HttpStatusCode.OK);
        _api.Expect("https://api.example/a").WithHeaders("Authorization", "Bearer token-1").Respond(HttpStatusCode.OK);

        await Api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "a").WithTokenContext(new TokenContext(scope: "read")));
        await Api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "b").WithTokenContext(new TokenContext(scope: "write")));
        await Api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "a").WithTokenContext(new TokenContext(scope: "read")));

        _api.VerifyNoOutstandingExpectation();
    }
}
