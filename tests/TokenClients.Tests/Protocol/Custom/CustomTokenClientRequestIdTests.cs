using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Protocol.Custom;

/// <summary>A fresh request id per token request, as a parameter, a header or both; bound from configuration and validated at startup.</summary>
public sealed class CustomTokenClientRequestIdTests : IAsyncDisposable
{
    private const string Url = "https://auth.example/token";
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Request_id_parameter_is_fresh_per_request_after_the_grant_and_before_the_call_parameters()
    {
        var bodies = new List<string>();
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request => Answer(request, bodies, """{"access_token":"a1","expires_in":60,"refresh_token":"r1"}"""));
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request => Answer(request, bodies, """{"access_token":"a2","expires_in":60}"""));
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.RequestIdParameter = "request_id";
        }));
        var provider = _harness.Get("custom");
        var context = new TokenContext(parameters: [new("audience", "api")]);

        await provider.GetTokenAsync(context);
        _harness.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal("a2", (await provider.GetTokenAsync(context)).Value);

        _harness.Mock.VerifyNoOutstandingExpectation();
        var first = Regex.Match(bodies[0], "^client_id=c&client_secret=s&grant_type=client_credentials&request_id=([0-9a-f]{32})&audience=api$");
        var refresh = Regex.Match(bodies[1], "^client_id=c&client_secret=s&grant_type=refresh_token&refresh_token=r1&request_id=([0-9a-f]{32})&audience=api$");
        Assert.True(first.Success, bodies[0]);
        Assert.True(refresh.Success, bodies[1]);
        Assert.NotEqual(first.Groups[1].Value, refresh.Groups[1].Value);
    }

    [Fact]
    public async Task Request_id_header_carries_the_same_id_as_the_request_id_parameter()
    {
        string? header = null;
        string? query = null;
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request =>
        {
            header = string.Join(",", request.Headers.GetValues("X-Request-ID"));
            query = request.RequestUri!.Query;
            return Answer(request, [], """{"access_token":"h1","expires_in":60}""");
        });
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.Encoding = RequestEncoding.Query;
            o.ClientId = "c";
            o.RequestIdParameter = "rid";
            o.RequestIdHeader = "X-Request-ID";
        }));

        Assert.Equal("h1", (await _harness.Get("custom").GetTokenAsync()).Value);

        Assert.Matches("^[0-9a-f]{32}$", header);
        Assert.Equal($"?client_id=c&grant_type=client_credentials&rid={header}", query);
    }

    [Fact]
    public async Task Request_id_header_alone_adds_no_parameter()
    {
        _harness.Mock.Expect(HttpMethod.Post, Url)
            .With(r => r.Headers.TryGetValues("X-Correlation-ID", out var values) && Regex.IsMatch(values.Single(), "^[0-9a-f]{32}$"))
            .WithContent("client_id=c&grant_type=client_credentials")
            .Respond("application/json", """{"access_token":"h1","expires_in":60}""");
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.RequestIdHeader = "X-Correlation-ID";
        }));

        Assert.Equal("h1", (await _harness.Get("custom").GetTokenAsync()).Value);
        _harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Request_id_and_parameter_order_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TokenEndpoint"] = Url,
            ["Encoding"] = "Query",
            ["ClientId"] = "c",
            ["RequestIdParameter"] = "txn",
            ["RequestIdHeader"] = "X-Correlation-ID",
            ["ParameterNames:client_id"] = "clientId",
            ["Parameters:tenant"] = "acme",
            ["ParameterOrder:0"] = "clientId",
            ["ParameterOrder:1"] = "txn",
            ["ParameterOrder:2"] = "tenant",
        }).Build();
        string? header = null;
        string? query = null;
        _harness.Mock.Expect(HttpMethod.Post, Url).Respond(request =>
        {
            header = string.Join(",", request.Headers.GetValues("X-Correlation-ID"));
            query = request.RequestUri!.Query;
            return Answer(request, [], """{"access_token":"b1","expires_in":60}""");
        });
        _harness.AddProvider("custom", p => p.UseCustom(configuration.Bind));

        Assert.Equal("b1", (await _harness.Get("custom").GetTokenAsync()).Value);

        Assert.Equal($"?clientId=c&txn={header}&tenant=acme&grant_type=client_credentials", query);
    }

    [Fact]
    public void Request_id_also_among_the_static_parameters_or_headers_fails_at_startup()
    {
        _harness.AddProvider("custom", p => p.UseCustom(o =>
        {
            o.TokenEndpoint = new Uri(Url);
            o.ClientId = "c";
            o.RequestIdParameter = "rid";
            o.Parameters["rid"] = "fixed";
            o.RequestIdHeader = "X-Request-ID";
            o.Headers["x-request-id"] = "fixed";
        }));

        var error = Assert.Throws<OptionsValidationException>(() => _harness.Get("custom"));

        Assert.Contains("Token provider 'custom': RequestIdParameter 'rid' is also among Parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains("Token provider 'custom': RequestIdHeader 'X-Request-ID' is also among Headers", error.Message, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> Answer(HttpRequestMessage request, List<string> bodies, string json)
    {
        bodies.Add(request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync());
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
    }
}
