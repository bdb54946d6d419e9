using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenClients.OAuth2;
using TokenClients.Tests.Support;

namespace TokenClients.Tests.SignIn;

/// <summary>The callback side of <see cref="IAuthorizationCodeFlow"/>: whose callback it is, what it may carry, how many wait.</summary>
public sealed class AuthorizationCodeFlowTests : IAsyncDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private readonly Harness _harness = new();

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task Callback_of_a_sign_in_started_for_another_user_is_refused_and_burned_naming_neither_user()
    {
        var flow = JustLogin();

        // The attacker starts a sign-in as themselves and makes the victim's browser bring back the callback.
        var attackers = await flow.StartAsync("eve-attacker");
        var callback = new Uri($"https://app.example/cb?code=attackers-code&state={attackers.State}");

        var error = await Assert.ThrowsAsync<SignInMismatchException>(() => flow.CompleteAsync(callback, "alice-victim"));

        Assert.Equal("justlogin", error.ProviderName);
        Assert.Equal("invalid_state", error.Error);
        Assert.Contains("another user", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("eve", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alice", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_harness.Logs.GetSnapshot(), r => r.Level is LogLevel.Warning or LogLevel.Error
            && (FakeLogText.Line(r).Contains("eve-attacker", StringComparison.Ordinal) || FakeLogText.Line(r).Contains("alice-victim", StringComparison.Ordinal)));

        // Burned: not even the user it was started for can redeem it now, and no code was exchanged (MockHttp has no expectation).
        var replay = await Assert.ThrowsAsync<TokenRequestException>(() => flow.CompleteAsync(callback, "eve-attacker"));
        Assert.Equal("invalid_state", replay.Error);
        Assert.IsNotType<SignInMismatchException>(replay);
        var store = _harness.Provider.GetRequiredService<ITokenStore>();
        Assert.Null(await store.GetAsync("justlogin", "alice-victim"));
        Assert.Null(await store.GetAsync("justlogin", "eve-attacker"));
    }

    [Fact]
    public async Task Callback_error_reaches_the_exception_without_control_characters_and_bounded_in_length()
    {
        var flow = JustLogin();
        var start = await flow.StartAsync("alice");
        var error = "access_denied\r\nX-Injected: yes" + new string('e', 500);
        var description = "Denied\r\nby the user \u202Eevil\u0000, \u00fcn\u00efc\u00f6d\u00e9 " + new string('d', 5000);
        var callback = new Uri($"https://app.example/cb?state={start.State}&error={Uri.EscapeDataString(error)}&error_description={Uri.EscapeDataString(description)}");

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => flow.CompleteAsync(callback, "alice"));

        var message = exception.Message;
        Assert.DoesNotContain('\r', message);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain('\u0000', message);
        Assert.DoesNotContain('\u202E', message);
        Assert.Contains("access_deniedX-Injected: yes", message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('e', 80), message, StringComparison.Ordinal);
        Assert.Contains("Deniedby the user evil, \u00fcn\u00efc\u00f6d\u00e9 ", message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('d', 300), message, StringComparison.Ordinal);
        Assert.Contains('\u2026', message);
        Assert.True(message.Length < 700, $"{message.Length} characters");
    }

    [Fact]
    public async Task Callback_error_code_keeps_only_the_characters_the_oauth_error_syntax_allows()
    {
        var flow = JustLogin();
        var start = await flow.StartAsync("alice");
        var callback = new Uri($"https://app.example/cb?state={start.State}&error={Uri.EscapeDataString("access\u00e9_\"denied\\\t")}");

        var exception = await Assert.ThrowsAsync<InteractionRequiredException>(() => flow.CompleteAsync(callback, "alice"));

        Assert.Contains("(access_denied: no description)", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pending_sign_ins_past_the_cap_drop_the_oldest()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pending = new PendingSignIns("p", time, NullLogger.Instance, capacity: 1_000);

        for (var i = 0; i < 2_500; i++)
        {
            await pending.AddAsync("s" + i, new PendingSignIn("u", null, time.GetUtcNow() + Lifetime), CancellationToken.None);
        }

        Assert.Equal(1_000, pending.Count);
        Assert.Null(await pending.TakeAsync("s0", CancellationToken.None));
        Assert.Null(await pending.TakeAsync("s1499", CancellationToken.None));
        Assert.NotNull(await pending.TakeAsync("s1500", CancellationToken.None));
        Assert.NotNull(await pending.TakeAsync("s2499", CancellationToken.None));
    }

    [Fact]
    public async Task Starting_a_sign_in_costs_a_constant_amortised_amount_of_work_not_a_scan_of_all_pending_ones()
    {
        // Counts, not durations: the entries trimming examined over many starts, each of which stays pending.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var pending = new PendingSignIns("p", time, NullLogger.Instance, capacity: 10_000);
        const int Starts = 5_000;

        for (var i = 0; i < Starts; i++)
        {
            await pending.AddAsync("s" + i, new PendingSignIn("u", null, time.GetUtcNow() + Lifetime), CancellationToken.None);
        }

        Assert.Equal(Starts, pending.Count);
        Assert.InRange(pending.Examined, 0, 3L * Starts);
    }

    [Fact]
    public async Task Expired_sign_ins_are_trimmed_as_new_ones_start_and_the_index_stays_bounded()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        const int Cap = 500;
        var pending = new PendingSignIns("p", time, NullLogger.Instance, capacity: Cap);

        // One start a second for over five hours, every other one completed: 600 s of starts are pending at most, half redeemed.
        for (var i = 0; i < 20_000; i++)
        {
            await pending.AddAsync("s" + i, new PendingSignIn("u", null, time.GetUtcNow() + Lifetime), CancellationToken.None);
            if (i % 2 == 0)
            {
                Assert.NotNull(await pending.TakeAsync("s" + i, CancellationToken.None));
            }

            time.Advance(TimeSpan.FromSeconds(1));
            Assert.InRange(pending.IndexLength, 0, 2 * Cap);
        }

        Assert.InRange(pending.Count, 1, 301);
        Assert.Null(await pending.TakeAsync("s19397", CancellationToken.None)); // started 603 s ago: expired
        Assert.NotNull(await pending.TakeAsync("s19999", CancellationToken.None));
        Assert.InRange(pending.Examined, 0, 3L * 20_000);
    }

    [Theory]
    [InlineData("code")]
    [InlineData("justlogin")]
    public void Plain_http_redirect_uri_off_loopback_fails_at_startup_naming_the_provider_and_the_setting(string kind)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(kind, new Uri("http://app.example/callback")));

        Assert.Contains($"'{kind}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("RedirectUri", error.Message, StringComparison.Ordinal);
        Assert.Contains("https", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("code", "http://127.0.0.1:5000/callback")]
    [InlineData("justlogin", "http://localhost/callback")]
    [InlineData("justlogin", "https://app.example/callback")]
    public void Loopback_http_and_https_redirect_uris_are_accepted(string kind, string redirectUri) =>
        Validate(kind, new Uri(redirectUri));

    [Fact]
    public void Max_pending_sign_ins_must_be_positive()
    {
        var services = new ServiceCollection();
        services.AddTokenProvider("code", p => p.UseAuthorizationCode(o => { Valid(o); o.MaxPendingSignIns = 0; }));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(provider.GetRequiredService<IStartupValidator>().Validate);

        Assert.Contains("'code': MaxPendingSignIns must be positive", error.Message, StringComparison.Ordinal);
    }

    private static void Validate(string kind, Uri redirectUri)
    {
        var services = new ServiceCollection();
        services.AddTokenProvider(kind, p =>
        {
            if (kind == "justlogin")
            {
                p.UseJustLogin(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = redirectUri; });
            }
            else
            {
                p.UseAuthorizationCode(o => { Valid(o); o.RedirectUri = redirectUri; });
            }
        });
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    private static void Valid(AuthorizationCodeOptions options)
    {
        options.TokenEndpoint = new Uri("https://idp.example/token");
        options.AuthorizeEndpoint = new Uri("https://idp.example/authorize");
        options.ClientId = "c";
        options.ClientSecret = "s";
        options.RedirectUri = new Uri("https://app.example/callback");
    }

    private IAuthorizationCodeFlow JustLogin()
    {
        _harness.AddProvider("justlogin", p => p.UseJustLogin(o => { o.ClientId = "c"; o.ClientSecret = "s"; o.RedirectUri = new Uri("https://app.example/cb"); }));
        return _harness.Provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
    }
}
