using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Standard.TokenExchange;

/// <summary>
/// The snippets of README.md's "Token exchange" and "Device flow" sections, run against MockHttp (discovery included).
/// The README's code blocks must appear here line for line, so neither can change without the other.
/// </summary>
public sealed class ReadmeExchangeAndDeviceTests : IAsyncDisposable
{
    private const string Discovery = """
        {"issuer":"https://idp","token_endpoint":"https://idp/token","device_authorization_endpoint":"https://idp/device"}
        """;

    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Token_exchange_snippet_exchanges_backends_token_for_the_orders_api_and_a_request_carried_token_onward()
    {
        var (services, incomingAccessToken) = (_harness.Services, "incoming-user-token");
        _harness.Mock.When(HttpMethod.Get, "https://idp/.well-known/openid-configuration").Respond("application/json", Discovery);
        _harness.Mock.When(HttpMethod.Post, "https://idp/token").WithFormData("grant_type", "client_credentials")
            .Respond("application/json", """{"access_token":"backend-token","token_type":"Bearer","expires_in":3600}""");
        _harness.Mock.When(HttpMethod.Post, "https://idp/token")
            .WithFormData([new("subject_token", "backend-token"), new("audience", "orders-api"), new("scope", "orders.read")])
            .Respond("application/json", """{"access_token":"orders-token","token_type":"Bearer","expires_in":3600}""");
        _harness.Mock.When(HttpMethod.Post, "https://idp/token").WithFormData([new("subject_token", "incoming-user-token"), new("audience", "billing-api")])
            .Respond("application/json", """{"access_token":"billing-token","token_type":"Bearer","expires_in":3600}""");
        _harness.Mock.When(HttpMethod.Get, "https://orders.example/orders").WithHeaders("Authorization", "Bearer orders-token").Respond("application/json", "[]");

        services.AddTokenProvider("backend", p => p.UseClientCredentials(o => { o.Authority = new("https://idp"); o.ClientId = "backend"; o.ClientSecret = "…"; }));
        services.AddTokenProvider("orders", p => p.UseTokenExchange(o =>
        {
            o.Authority = new("https://idp");
            o.ClientId = "exchanger";
            o.ClientSecret = "…";
            o.SubjectTokenProvider = "backend";   // the subject token: backend's own token
            o.Audience = "orders-api";
            o.Scope = "orders.read";
        }));
        services.AddTokenProvider("onward", p => p.UseTokenExchange(o =>
        {
            o.Authority = new("https://idp");
            o.ClientId = "exchanger";
            o.ClientSecret = "…";
            o.Audience = "billing-api";           // no SubjectTokenProvider: each request carries its subject token
        }));
        services.AddHttpClient<OrdersApi>(c => c.BaseAddress = new("https://orders.example/")).AddTokenHandler("orders");

        RouteToMock("backend", "orders", "onward");
        services.AddHttpClient<OrdersApi>().ConfigurePrimaryHttpMessageHandler(() => _harness.Mock);
        var provider = _harness.Provider;

        var context = new TokenContext(parameters: [new(TokenExchangeOptions.SubjectTokenParameter, incomingAccessToken)]);
        AccessToken onward = await provider.GetRequiredKeyedService<ITokenProvider>("onward").GetTokenAsync(context);

        Assert.Equal("billing-token", onward.Value);
        Assert.Equal("[]", await provider.GetRequiredService<OrdersApi>().Http.GetStringAsync(new Uri("orders", UriKind.Relative)));
    }

    [Fact]
    public async Task Device_flow_snippet_signs_the_user_in_and_the_provider_serves_the_token()
    {
        var (services, userId, cancellationToken) = (_harness.Services, "user-42", CancellationToken.None);
        _harness.Mock.When(HttpMethod.Get, "https://idp/.well-known/openid-configuration").Respond("application/json", Discovery);
        _harness.Mock.When(HttpMethod.Post, "https://idp/device").WithFormData([new("client_id", "tv-app"), new("scope", "openid offline_access api")])
            .Respond("application/json", """{"device_code":"dc-1","user_code":"BDWP-HQPK","verification_uri":"https://idp/device","expires_in":600,"interval":2}""");
        _harness.Mock.When(HttpMethod.Post, "https://idp/token").WithFormData("device_code", "dc-1")
            .Respond("application/json", """{"access_token":"tv-token","token_type":"Bearer","expires_in":3600,"refresh_token":"tv-refresh"}""");

        services.AddTokenProvider("tv", p => p.UseDeviceCode(o =>
        {
            o.Authority = new("https://idp");          // discovers device_authorization_endpoint; or set DeviceAuthorizationEndpoint
            o.ClientId = "tv-app";                     // a public client: ClientAuthentication is None unless you set it
            o.Scope = "openid offline_access api";
        }));

        RouteToMock("tv");
        var provider = _harness.Provider;
        using var clock = new CancellationTokenSource();
        var driving = DriveClockAsync(clock.Token);

        var flow = provider.GetRequiredKeyedService<IDeviceCodeFlow>("tv");
        DeviceAuthorization authorization = await flow.StartAsync(userId);
        Console.WriteLine($"Open {authorization.VerificationUri} and enter {authorization.UserCode}");
        try
        {
            await flow.CompleteAsync(authorization, cancellationToken);   // polls until approved, then stores the tokens for userId
        }
        catch (DeviceCodeFlowException e) when (e.Failure == DeviceCodeFailure.AccessDenied) { /* the user said no */ }
        catch (DeviceCodeFlowException e) when (e.Failure == DeviceCodeFailure.Expired) { /* too late: start again */ }

        AccessToken token = await provider.GetRequiredKeyedService<ITokenProvider>("tv").GetTokenAsync(TokenContext.ForSubject(userId));

        await clock.CancelAsync();
        await driving;
        Assert.Equal("tv-token", token.Value);
    }

    [Fact]
    public void The_readme_shows_exactly_these_snippets()
    {
        var root = RepositoryRoot();
        var readme = File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n");
        var source = "\n" + Lines(File.ReadAllText(Path.Combine(root, "tests", "TokenClients.Tests", "Standard", "TokenExchange", "ReadmeExchangeAndDeviceTests.cs"))) + "\n";
        foreach (var section in new[] { "### Token exchange", "### Device flow" })
        {
            var start = readme.IndexOf("\n" + section + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"README.md has no section \"{section}\".");
            var end = readme.IndexOf("\n#", start + section.Length + 2, StringComparison.Ordinal);
            var blocks = Regex.Matches(readme[start..end], "```csharp\n(.*?)```", RegexOptions.Singleline);
            Assert.Equal(2, blocks.Count);
            foreach (Match block in blocks)
            {
                Assert.Contains("\n" + Lines(block.Groups[1].Value) + "\n", source, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>Moves the fake clock on while the device flow waits between polls.</summary>
    private async Task DriveClockAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            _harness.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System, CancellationToken.None);
        }
    }

    private void RouteToMock(params string[] providerNames)
    {
        foreach (var name in providerNames)
        {
            _harness.Services.AddHttpClient(TokenClientsHttp.ClientName(name)).ConfigurePrimaryHttpMessageHandler(() => _harness.Mock);
        }
    }

    /// <summary>The text's lines, trimmed, without the empty ones.</summary>
    private static string Lines(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TokenClients.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (TokenClients.sln) is not above " + AppContext.BaseDirectory);
    }

    /// <summary>The typed client of the snippet.</summary>
    private sealed class OrdersApi(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }
}
