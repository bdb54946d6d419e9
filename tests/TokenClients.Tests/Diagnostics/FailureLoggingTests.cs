using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RichardSzalay.MockHttp;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.Diagnostics;

public sealed class FailureLoggingTests : IAsyncDisposable
{
    private const string TokenUrl = "https://idp.example/connect/token";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly Harness _harness = new();
    private readonly MockHttpMessageHandler _api = new();

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        _api.Dispose();
    }

    [Fact]
    public async Task Before_any_sign_in_the_error_says_the_user_has_not_signed_in_and_never_names_the_user()
    {
        _harness.AddProvider("code", p => p.UseAuthorizationCode(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
            o.ClientId = "c";
            o.ClientSecret = "s";
            o.RedirectUri = new Uri("https://app.example/signin");
        }));

        var error = await Assert.ThrowsAsync<InteractionRequiredException>(() => _harness.Get("code").GetTokenAsync(TokenContext.ForSubject("user-4711")).AsTask().WaitAsync(Bound));

        Assert.Contains("has not signed in", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sign in again", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("user-4711", error.Message, StringComparison.Ordinal);
        Assert.Equal("user-4711", error.Subject);
        Assert.DoesNotContain(_harness.Logs.GetSnapshot(), r => Printed(r).Contains("user-4711", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failed_token_request_is_one_warning_and_no_other_record_carries_its_stack()
    {
        _harness.Mock.When(HttpMethod.Post, TokenUrl).Respond(HttpStatusCode.BadRequest, "application/json", """{"error":"invalid_client"}""");
        _harness.AddProvider("idp", p => p.UseClientCredentials(o =>
        {
            o.TokenEndpoint = new Uri(TokenUrl);
            o.ClientId = "c";
            o.ClientSecret = "s";
        }));
        _harness.Services.AddHttpClient("api", c => c.BaseAddress = new Uri("https://api.example/")).AddTokenHandler("idp").ConfigurePrimaryHttpMessageHandler(() => _api);
        var api = _harness.Provider.GetRequiredService<IHttpClientFactory>().CreateClient("api");

        await Assert.ThrowsAsync<TokenRequestException>(() => api.GetAsync(new Uri("items", UriKind.Relative)).WaitAsync(Bound));

        var records = _harness.Logs.GetSnapshot();
        var warning = Assert.Single(records, r => r.Level >= LogLevel.Warning);
        Assert.Equal(2, warning.Id.Id);
        Assert.Contains("invalid_client", warning.Message, StringComparison.Ordinal);

        // The caller got the exception and logs its stack; no record here repeats it.
        Assert.DoesNotContain(records, r => r.Exception is not null);
    }

    private static string Printed(Microsoft.Extensions.Logging.Testing.FakeLogRecord record) =>
        record.Message + " " + record.Exception;
}
