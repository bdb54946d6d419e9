using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using TokenClients.Testing;

namespace TokenClients.IntegrationTests.Emulators;

/// <summary>
/// The emulators' consent page (a person signs in and allows) and the RS256 ID token an OpenID Connect client validates
/// against the discovery document's JWKS.
/// </summary>
public sealed class ConsentPageTests : IAsyncLifetime, IDisposable
{
    private const string Callback = "http://127.0.0.1:5999/signin-oidc";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly HttpClient _browser = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = Deadline };
    private StandardOAuth2Emulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var options = new StandardOAuth2EmulatorOptions { ConsentPage = true, AutoApproveUser = "alice" };
        options.Users["bob"] = "bob-password";
        options.RedirectUris.Add(new Uri(Callback));
        _emulator = await StandardOAuth2Emulator.StartAsync(options).WaitAsync(Deadline);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task The_user_who_signs_in_on_the_consent_page_gets_the_code_and_a_signed_id_token_with_the_nonce()
    {
        var authorize = AuthorizeUri(Callback);
        using var page = await _browser.GetAsync(authorize);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form method=\"post\">", html, StringComparison.Ordinal);
        Assert.Contains("demo-client", html, StringComparison.Ordinal);

        using var consent = await PostConsentAsync(authorize, "bob", "bob-password");
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var location = consent.Headers.Location!;
        Assert.StartsWith(Callback + "?", location.AbsoluteUri, StringComparison.Ordinal);
        var callback = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("xyz", callback["state"]);

        var idToken = await RedeemAsync(callback["code"].ToString());
        var claims = await ValidatedClaimsAsync(idToken);
        Assert.Equal("bob", claims.GetProperty("sub").GetString()); // the user who signed in, not AutoApproveUser
        Assert.Equal("n-0S6", claims.GetProperty("nonce").GetString());
        Assert.Equal("demo-client", claims.GetProperty("aud").GetString());
        Assert.Equal(_emulator.BaseAddress.AbsoluteUri.TrimEnd('/'), claims.GetProperty("iss").GetString());
        Assert.True(claims.GetProperty("exp").GetInt64() > claims.GetProperty("iat").GetInt64());
    }

    [Fact]
    public async Task Two_redemptions_racing_for_one_consented_code_get_one_token_set()
    {
        using var consent = await PostConsentAsync(AuthorizeUri(Callback), "bob", "bob-password");
        var code = QueryHelpers.ParseQuery(consent.Headers.Location!.Query)["code"].ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var form = RedeemForm(code);
            using var response = await _browser.PostAsync(_emulator.TokenEndpoint, form);
            return response.StatusCode;
        }));

        Assert.Single(answers, HttpStatusCode.OK);
        Assert.Equal(7, answers.Count(s => s == HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_wrong_password_shows_the_page_again_and_issues_no_code()
    {
        using var consent = await PostConsentAsync(AuthorizeUri(Callback), "bob", "alice-password");

        Assert.Equal(HttpStatusCode.OK, consent.StatusCode);
        Assert.Contains("id=\"error\"", await consent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(consent.Headers.Location);
    }

    [Fact]
    public async Task A_consent_posted_for_an_unregistered_callback_is_refused()
    {
        using var consent = await PostConsentAsync(AuthorizeUri("http://127.0.0.1:6000/elsewhere"), "bob", "bob-password");

        Assert.Equal(HttpStatusCode.BadRequest, consent.StatusCode);
        Assert.Null(consent.Headers.Location);
    }

    [Fact]
    public async Task Deny_returns_access_denied_to_the_callback()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["decision"] = "deny" });
        using var consent = await _browser.PostAsync(AuthorizeUri(Callback), form);

        var callback = QueryHelpers.ParseQuery(consent.Headers.Location!.Query);
        Assert.Equal("access_denied", callback["error"]);
        Assert.False(callback.ContainsKey("code"));
    }

    [Fact]
    public async Task Without_the_consent_page_the_auto_approved_user_is_redirected_at_once()
    {
        var options = new StandardOAuth2EmulatorOptions();
        options.RedirectUris.Add(new Uri(Callback));
        await using var emulator = await StandardOAuth2Emulator.StartAsync(options).WaitAsync(Deadline);

        var callback = await emulator.ApproveAsync(new Uri(emulator.AuthorizeEndpoint, AuthorizeUri(Callback).Query));

        Assert.StartsWith(Callback + "?code=", callback.AbsoluteUri, StringComparison.Ordinal);
    }

    private Uri AuthorizeUri(string redirectUri) => new(QueryHelpers.AddQueryString(_emulator.AuthorizeEndpoint.AbsoluteUri, new Dictionary<string, string?>
    {
        ["response_type"] = "code",
        ["client_id"] = "demo-client",
        ["redirect_uri"] = redirectUri,
        ["scope"] = "openid profile",
        ["state"] = "xyz",
        ["nonce"] = "n-0S6",
    }));

    private async Task<HttpResponseMessage> PostConsentAsync(Uri authorize, string user, string password)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = user, ["password"] = password, ["decision"] = "allow" });
        return await _browser.PostAsync(authorize, form);
    }

    private static FormUrlEncodedContent RedeemForm(string code) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "authorization_code",
        ["code"] = code,
        ["redirect_uri"] = Callback,
        ["client_id"] = "demo-client",
        ["client_secret"] = "demo-secret",
    });

    private async Task<string> RedeemAsync(string code)
    {
        using var form = RedeemForm(code);
        using var response = await _browser.PostAsync(_emulator.TokenEndpoint, form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return answer.RootElement.GetProperty("id_token").GetString()!;
    }

    /// <summary>Checks the RS256 signature with the key the discovery document's <c>jwks_uri</c> publishes, then returns the claims.</summary>
    private async Task<JsonElement> ValidatedClaimsAsync(string idToken)
    {
        using var discovery = JsonDocument.Parse(await _browser.GetStringAsync(_emulator.DiscoveryEndpoint));
        using var jwks = JsonDocument.Parse(await _browser.GetStringAsync(discovery.RootElement.GetProperty("jwks_uri").GetString()));
        var key = Assert.Single(jwks.RootElement.GetProperty("keys").EnumerateArray().ToArray());
        var parts = idToken.Split('.');
        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        Assert.Equal("RS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(key.GetProperty("kid").GetString(), header.RootElement.GetProperty("kid").GetString());

        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = System.Buffers.Text.Base64Url.DecodeFromChars(key.GetProperty("n").GetString()),
            Exponent = System.Buffers.Text.Base64Url.DecodeFromChars(key.GetProperty("e").GetString()),
        });
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        Assert.True(rsa.VerifyData(signed, System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        return JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).RootElement.Clone();
    }
}
