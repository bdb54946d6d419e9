using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace TokenClients.AspNetCore.Connect;

/// <summary>
/// Binds a connect sign-in to the browser that started it: a cookie, protected with Data Protection, holding a hash of
/// the <c>state</c>, a hash of the user's id, the return URL and an expiry. HttpOnly, SameSite=Lax (the callback is a
/// top-level navigation from the provider), Secure on https, scoped to the provider's callback path, short-lived.
/// </summary>
internal sealed class ConnectStateCookie(IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>How long a started connect waits for its callback: the pending sign-in's default lifetime.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private const string Purpose = "TokenClients.AspNetCore.Connect.v1";
    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public static string Name(string provider) => ".TokenClients.Connect." + provider.ToLowerInvariant();

    public static string CallbackPath(HttpContext context, ConnectProvider provider) =>
        context.Request.PathBase.Add(new PathString(provider.Prefix + "/" + provider.Name.ToLowerInvariant() + "/callback")).Value!;

    public void Write(HttpContext context, ConnectProvider provider, string state, string subject, string returnUrl)
    {
        var expiresAt = time.GetUtcNow() + Lifetime;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("p", provider.Name);
            json.WriteString("s", Hash(state));
            json.WriteString("u", Hash(subject));
            json.WriteString("r", returnUrl);
            json.WriteNumber("e", expiresAt.ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        var value = Base64Url.EncodeToString(_protector.Protect(buffer.ToArray()));
        context.Response.Cookies.Append(Name(provider.Name), value, Options(context, provider, expiresAt));
    }

    /// <summary>
    /// Reads and removes the cookie: the return URL when it matches the callback's state and user, else why not (and
    /// whether the sign-in was started by another user).
    /// </summary>
    public (string? ReturnUrl, string? Refusal, bool OtherUser) Take(HttpContext context, ConnectProvider provider, string? state, string subject)
    {
        var name = Name(provider.Name);
        if (!context.Request.Cookies.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
        {
            return (null, "the connect state cookie is missing (the callback reached a browser that did not start the sign-in, or it expired)", false);
        }

        context.Response.Cookies.Delete(name, Options(context, provider, null));
        byte[] payload;
        try
        {
            payload = _protector.Unprotect(Base64Url.DecodeFromChars(value));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            return (null, "the connect state cookie is not valid (tampered with, or protected with another key)", false);
        }

        using var document = JsonDocument.Parse(payload);
        var root = document.RootElement;
        if (!string.Equals(root.GetProperty("p").GetString(), provider.Name, StringComparison.Ordinal)
            || DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("e").GetInt64()) <= time.GetUtcNow())
        {
            return (null, "the connect state cookie expired or belongs to another provider", false);
        }

        if (string.IsNullOrEmpty(state) || !SameHash(root.GetProperty("s").GetString(), state))
        {
            return (null, "the callback's state is not the one this browser started", false);
        }

        if (!SameHash(root.GetProperty("u").GetString(), subject))
        {
            return (null, "the sign-in was started by another user of this browser", true);
        }

        var returnUrl = root.GetProperty("r").GetString();
        return (LocalUrl.IsLocal(returnUrl) ? returnUrl : "/", null, false);
    }

    private static CookieOptions Options(HttpContext context, ConnectProvider provider, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = context.Request.IsHttps,
        Path = CallbackPath(context, provider),
        MaxAge = expiresAt is null ? null : Lifetime,
        IsEssential = true,
    };

    private static string Hash(string value) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static bool SameHash(string? expected, string value) =>
        expected is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Hash(value)));
}
