using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RichardSzalay.MockHttp;

namespace TokenClients.Tests.Vendors;

/// <summary>JustLogin's wire, pinned to its vendor page (docs/vendors/justlogin.md).</summary>
public sealed class JustLoginWireTests : VendorWireTests
{
    [Fact]
    public async Task JustLogin_builds_the_authorize_url_with_state_and_pkce_and_exchanges_the_code_with_credentials_in_the_body()
    {
        // justlogin.md: Auth URL, Access Token URL, scope openid, "Send client credentials in body".
        Harness.AddProvider("justlogin", p => p.UseJustLogin(o =>
        {
            o.ClientId = "jl-client";
            o.ClientSecret = "jl-secret";
            o.RedirectUri = new Uri("https://app.example/callback");
        }));
        var flow = Harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");

        var start = await flow.StartAsync("acme/alice");

        var query = System.Web.HttpUtility.ParseQueryString(start.AuthorizeUri.Query);
        Assert.Equal("https://apis.justlogin.com/v1/auth/connect/authorize", start.AuthorizeUri.GetLeftPart(UriPartial.Path));
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("jl-client", query["client_id"]);
        Assert.Equal("openid", query["scope"]);
        Assert.Equal("https://app.example/callback", query["redirect_uri"]);
        Assert.Equal(start.State, query["state"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        var challenge = query["code_challenge"]!;

        Harness.Mock.Expect(HttpMethod.Post, "https://apis.justlogin.com/v1/auth/connect/token")
            .With(r => r.Headers.Authorization is null)
            .With(r => VerifierMatches(r, challenge))
            .WithFormData([new("grant_type", "authorization_code"), new("code", "the-code"), new("redirect_uri", "https://app.example/callback"), new("client_id", "jl-client"), new("client_secret", "jl-secret")])
            .Respond("application/json", """{"access_token":"j1","expires_in":3600,"token_type":"Bearer","refresh_token":"jr1","scope":"openid"}""");
        // justlogin.md, "Refresh Tokens": the form with the client credentials, and the access token as Bearer.
        Harness.Mock.Expect(HttpMethod.Post, "https://apis.justlogin.com/v1/auth/connect/token")
            .WithHeaders("Authorization", "Bearer j1")
            .WithExactFormData([new("grant_type", "refresh_token"), new("refresh_token", "jr1"), new("client_id", "jl-client"), new("client_secret", "jl-secret")])
            .Respond("application/json", """{"access_token":"j2","expires_in":3600,"token_type":"Bearer","refresh_token":"jr2"}""");

        var result = await flow.CompleteAsync(new Uri($"https://app.example/callback?code=the-code&state={start.State}"), "acme/alice");
        var provider = Harness.Get("justlogin");
        var alice = TokenContext.ForSubject("acme/alice");
        Assert.Equal("acme/alice", result.Subject);
        Assert.Equal("j1", (await provider.GetTokenAsync(alice)).Value);

        Harness.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal("j2", (await provider.GetTokenAsync(alice)).Value);
        Assert.Equal("jr2", (await Harness.Provider.GetRequiredService<ITokenStore>().GetAsync("justlogin", "acme/alice"))!.RefreshToken);
        Harness.Mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task JustLogin_rejects_a_callback_with_an_unknown_state()
    {
        Harness.AddProvider("justlogin", p => p.UseJustLogin(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new Uri("https://app.example/cb"); }));
        var flow = Harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
        await flow.StartAsync("bob");

        var error = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(new Uri("https://app.example/cb?code=x&state=forged"), "bob"));

        Assert.Equal("invalid_state", error.Error);
    }

    private static bool VerifierMatches(HttpRequestMessage request, string challenge)
    {
        var form = System.Web.HttpUtility.ParseQueryString(request.Content!.ReadAsStringAsync().GetAwaiter().GetResult());
        var verifier = form["code_verifier"];
        return verifier is not null
            && System.Buffers.Text.Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) == challenge;
    }
}
