using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using TokenClients.AspNetCore.Connect;

namespace TokenClients.AspNetCore.Tests.Unit;

/// <summary>The connect state cookie: its attributes on https and its expiry by the application's clock.</summary>
public sealed class ConnectStateCookieTests
{
    private static readonly ConnectProvider Provider = new("JustLogin", "/connect");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ConnectStateCookie _cookie;

    public ConnectStateCookieTests() => _cookie = new ConnectStateCookie(new EphemeralDataProtectionProvider(), _time);

    [Fact]
    public void On_https_the_cookie_is_Secure_and_scoped_below_the_path_base()
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.PathBase = "/app";

        _cookie.Write(context, Provider, "state-1", "alice", "/app/home");

        var header = context.Response.Headers.SetCookie.ToString().ToLowerInvariant();
        Assert.Contains("; secure", header, StringComparison.Ordinal);
        Assert.Contains("; path=/app/connect/justlogin/callback", header, StringComparison.Ordinal);
        Assert.Contains("; httponly", header, StringComparison.Ordinal);
        Assert.Contains("; samesite=lax", header, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cookie_binds_state_and_user_and_expires_with_the_application_clock()
    {
        var value = Written("state-1", "alice");

        Assert.Equal(("/home", null, false), Take(value, "state-1", "alice"));
        Assert.Equal((null, false), Refusal(Take(value, "state-2", "alice")));
        Assert.Equal((null, true), Refusal(Take(value, "state-1", "bob")));
        _time.Advance(ConnectStateCookie.Lifetime);
        Assert.Equal((null, false), Refusal(Take(value, "state-1", "alice")));
    }

    private static (string? ReturnUrl, bool OtherUser) Refusal((string? ReturnUrl, string? Refusal, bool OtherUser) taken)
    {
        Assert.NotNull(taken.Refusal);
        return (taken.ReturnUrl, taken.OtherUser);
    }

    private string Written(string state, string subject)
    {
        var context = new DefaultHttpContext();
        _cookie.Write(context, Provider, state, subject, "/home");
        var header = context.Response.Headers.SetCookie.ToString();
        return header[(header.IndexOf('=', StringComparison.Ordinal) + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private (string? ReturnUrl, string? Refusal, bool OtherUser) Take(string value, string state, string subject)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = ConnectStateCookie.Name(Provider.Name) + "=" + value;
        return _cookie.Take(context, Provider, state, subject);
    }
}
