using System.Net;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.AspNetCore.Tests.Support;
using TokenClients.Testing;
using TokenClients.Tests.Support;

namespace TokenClients.AspNetCore.Tests;

/// <summary>
/// A whole session (OpenID Connect sign-in, connect, refreshes, a stalled exchange, status, disconnect, sign-out) with logs
/// at Trace level: no token, refresh token, ID token, code, verifier, state or client secret appears in a log or in any
/// body the application answered.
/// </summary>
public sealed class SecretLeakTests : IAsyncLifetime
{
    private readonly List<string> _bodies = [];
    private WebApp _app = null!;

    public async Task InitializeAsync() => _app = await WebApp.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task No_secret_reaches_a_log_or_a_response_body()
    {
        var store = _app.Services.GetRequiredService<ITokenStore>();
        var secrets = new HashSet<string>(StringComparer.Ordinal) { "web-secret", "demo-secret" };
        using var browser = _app.NewBrowser();
        await KeepAsync(await browser.NavigateAsync("/test/oidc-login"));
        await KeepAsync(await browser.NavigateAsync("/connect/justlogin?returnUrl=/connect/status"));
        await KeepAsync(await browser.NavigateAsync("/connect/crm?returnUrl=/connect/status"));
        Remember(secrets, await store.GetAsync("idp", "alice"), await store.GetAsync("justlogin", "alice"), await store.GetAsync("crm", "alice"));

        _app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        foreach (var provider in new[] { "idp", "justlogin", "crm" })
        {
            await KeepAsync(await browser.GetAsync("/api/" + provider));
        }

        Remember(secrets, await store.GetAsync("idp", "alice"), await store.GetAsync("justlogin", "alice"), await store.GetAsync("crm", "alice"));
        await KeepAsync(await browser.GetAsync("/connect/status"));
        using (var token = await browser.GetAsync("/test/antiforgery"))
        {
            using var disconnect = new HttpRequestMessage(HttpMethod.Post, new Uri(_app.Address, "/connect/crm/disconnect")) { Content = new FormUrlEncodedContent([]) };
            disconnect.Headers.Add("RequestVerificationToken", await token.Content.ReadAsStringAsync());
            await KeepAsync(await browser.SendAsync(disconnect));
        }

        _app.Idp.RevokeRefreshTokens();
        _app.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await KeepAsync(await browser.GetAsync("/api/idp"));
        await KeepAsync(await browser.GetAsync("/test/logout"));

        // Codes and states travel in URLs, which ASP.NET Core's own request logging writes (see the README): they must
        // reach no line of TokenClients and no body. Tokens, verifiers and secrets reach no line at all.
        var inUrls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var emulator in new OidcEmulator[] { _app.Idp, _app.JustLogin, _app.Crm })
        {
            foreach (var request in emulator.Journal.Requests)
            {
                foreach (var name in new[] { "refresh_token", "code_verifier", "client_secret" })
                {
                    AddSecret(secrets, request.Form.GetValueOrDefault(name));
                }

                foreach (var name in new[] { "code", "state", "code_challenge", "nonce" })
                {
                    AddSecret(inUrls, request.Form.GetValueOrDefault(name));
                    AddSecret(inUrls, request.Query.GetValueOrDefault(name));
                }

                AddSecret(secrets, request.Headers.GetValueOrDefault("Authorization")?.Split(' ').Last());
            }
        }

        Assert.True(secrets.Count > 15 && inUrls.Count > 8, $"Only {secrets.Count} and {inUrls.Count} secrets were collected: the session did not run as planned.");
        var logs = _app.Logs.AllText();
        var ours = string.Join('\n', _app.Logs.GetSnapshot().Where(r => r.Category?.StartsWith("TokenClients", StringComparison.Ordinal) == true).Select(FakeLogText.Line));
        Assert.Contains("[146]", ours, StringComparison.Ordinal); // the session's lines are there to search
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.All(_bodies, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        }

        foreach (var secret in inUrls)
        {
            Assert.DoesNotContain(secret, ours, StringComparison.Ordinal);
            Assert.All(_bodies, body => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
        }
    }

    private static void Remember(HashSet<string> secrets, params TokenSet?[] sets)
    {
        foreach (var set in sets)
        {
            Assert.NotNull(set);
            AddSecret(secrets, set.AccessToken);
            AddSecret(secrets, set.RefreshToken);
            AddSecret(secrets, set.IdentityToken);
        }
    }

    private static void AddSecret(HashSet<string> secrets, string? value)
    {
        if (value is { Length: >= 16 })
        {
            secrets.Add(value);
        }
    }

    private async Task KeepAsync(HttpResponseMessage response)
    {
        using (response)
        {
            _bodies.Add(await response.Content.ReadAsStringAsync());
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }
    }
}
