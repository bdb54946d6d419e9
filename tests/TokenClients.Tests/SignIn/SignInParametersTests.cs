using System.Web;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.SignIn;

/// <summary>Per-sign-in extras of <see cref="IAuthorizationCodeFlow.StartAsync(string, SignInParameters?, CancellationToken)"/>.</summary>
public sealed class SignInParametersTests : IAsyncDisposable
{
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Login_hint_prompt_scope_and_extra_parameters_reach_the_authorize_url()
    {
        var extras = new SignInParameters { LoginHint = "alice@example.com", Prompt = "consent", Scope = "openid orders" };
        extras.Parameters["ui_locales"] = "cs en";
        extras.Parameters["acr_values"] = "mfa";

        var started = await Flow().StartAsync("alice", extras);

        var query = HttpUtility.ParseQueryString(started.AuthorizeUri.Query);
        Assert.Equal("alice@example.com", query["login_hint"]);
        Assert.Equal("consent", query["prompt"]);
        Assert.Equal("openid orders", query["scope"]);
        Assert.Equal("cs en", query["ui_locales"]);
        Assert.Equal("mfa", query["acr_values"]);
        Assert.Equal(started.State, query["state"]);
        Assert.Equal("S256", query["code_challenge_method"]);
    }

    [Fact]
    public async Task Without_extras_the_sign_in_asks_for_the_configured_scope_only()
    {
        var started = await Flow().StartAsync("alice", new SignInParameters());

        var query = HttpUtility.ParseQueryString(started.AuthorizeUri.Query);
        Assert.Equal("openid", query["scope"]);
        Assert.Null(query["login_hint"]);
        Assert.Null(query["prompt"]);
    }

    [Theory]
    [InlineData("state")]
    [InlineData("code_challenge")]
    [InlineData("code_challenge_method")]
    [InlineData("redirect_uri")]
    [InlineData("client_id")]
    [InlineData("response_type")]
    [InlineData("Redirect_URI")]
    [InlineData(" state ")]
    [InlineData("request_uri")]
    [InlineData("scope")]
    public async Task An_extra_that_would_override_a_protocol_parameter_is_refused_before_anything_starts(string name)
    {
        var extras = new SignInParameters();
        extras.Parameters[name] = "https://evil.example/";
        var flow = Flow();

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => flow.StartAsync("alice", extras).AsTask());

        Assert.Contains(name.Trim(), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flow_written_before_the_extras_starts_plain_sign_ins_and_refuses_extras()
    {
        IAuthorizationCodeFlow legacy = new LegacyFlow();

        var plain = await legacy.StartAsync("alice", new SignInParameters());
        await Assert.ThrowsAsync<NotSupportedException>(() => legacy.StartAsync("alice", new SignInParameters { Prompt = "login" }).AsTask());

        Assert.Equal("legacy", plain.State);
    }

    private IAuthorizationCodeFlow Flow()
    {
        _harness.AddProvider("justlogin", p => p.UseJustLogin(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new Uri("https://app.example/cb"); }));
        return _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
    }

    private sealed class LegacyFlow : IAuthorizationCodeFlow
    {
        public ValueTask<AuthorizationRequest> StartAsync(string subject, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(new AuthorizationRequest(new Uri("https://idp.example/authorize"), "legacy"));

        public Task<AuthorizationResult> CompleteAsync(Uri callbackUri, string expectedSubject, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<SignOutResult> SignOutAsync(string subject, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
