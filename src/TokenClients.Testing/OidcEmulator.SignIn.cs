using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace TokenClients.Testing;

/// <summary>The person's side of the authorization-code flow: the consent page and the signed ID token.</summary>
public abstract partial class OidcEmulator
{
    private readonly RSA _idTokenKey = RSA.Create(2048);
    private readonly string _idTokenKeyId = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// Writes the <c>keys</c> member of a JSON Web Key Set (RFC 7517) with the public key that signs this emulator's ID
    /// tokens (RS256), so an OpenID Connect client can validate them.
    /// </summary>
    /// <param name="json">The JWKS object being written.</param>
    protected void WriteSigningKeys(Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var key = _idTokenKey.ExportParameters(includePrivateParameters: false);
        json.WriteStartArray("keys");
        json.WriteStartObject();
        json.WriteString("kty", "RSA");
        json.WriteString("use", "sig");
        json.WriteString("alg", "RS256");
        json.WriteString("kid", _idTokenKeyId);
        json.WriteString("n", System.Buffers.Text.Base64Url.EncodeToString(key.Modulus));
        json.WriteString("e", System.Buffers.Text.Base64Url.EncodeToString(key.Exponent));
        json.WriteEndObject();
        json.WriteEndArray();
    }

    /// <summary>Why an authorize request cannot be served, or <see langword="null"/> when it can.</summary>
    private string? AuthorizeRequestError(IQueryCollection query)
    {
        var redirect = query["redirect_uri"].ToString();
        return query["response_type"] != "code" ? "unsupported_response_type"
            : query["client_id"] != Options.ClientId ? "unauthorized_client"
            : !OidcOptions.RedirectUris.Any(u => u.AbsoluteUri == redirect) ? "invalid redirect_uri"
            : query["code_challenge_method"].ToString() is { Length: > 0 } method && method != "S256" && method != "plain" ? "invalid_request"
            : null;
    }

    /// <summary>The consent page posts back to the authorize URL (query included): a known user and password get a code.</summary>
    private void MapConsentEndpoint(WebApplication app, string path) => app.MapPost(path, async context =>
    {
        if (!OidcOptions.ConsentPage || AuthorizeRequestError(context.Request.Query) is not null || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var user = form["username"].ToString();
        if (form["decision"] == "deny")
        {
            // RFC 6749 section 4.1.2.1: the person said no.
            context.Response.Redirect(QueryHelpers.AddQueryString(context.Request.Query["redirect_uri"].ToString(),
                new Dictionary<string, string?> { ["error"] = "access_denied", ["state"] = context.Request.Query["state"].ToString() }));
            return;
        }

        if (!Options.Users.TryGetValue(user, out var password) || password != form["password"])
        {
            context.Response.StatusCode = 200;
            await WriteConsentPageAsync(context, "Unknown user or wrong password.").ConfigureAwait(false);
            return;
        }

        RedirectWithCode(context, user);
    });

    private void RedirectWithCode(HttpContext context, string subject)
    {
        var query = context.Request.Query;
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        var nonce = query["nonce"].ToString();
        _codes[code] = new PendingCode(subject, query["redirect_uri"].ToString(), query["scope"].ToString(), query["code_challenge"].ToString(),
            query["code_challenge_method"].ToString(), nonce.Length > 0 ? nonce : null, Time.GetUtcNow() + OidcOptions.CodeLifetime);
        context.Response.Redirect(QueryHelpers.AddQueryString(query["redirect_uri"].ToString(),
            new Dictionary<string, string?> { ["code"] = code, ["state"] = query["state"].ToString() }));
    }

    private Task WriteConsentPageAsync(HttpContext context, string? error)
    {
        var host = WebUtility.HtmlEncode(BaseAddress.Authority);
        var client = WebUtility.HtmlEncode(context.Request.Query["client_id"].ToString());
        var scope = WebUtility.HtmlEncode(context.Request.Query["scope"].ToString());
        var message = error is null ? string.Empty : $"<p id=\"error\" role=\"alert\">{WebUtility.HtmlEncode(error)}</p>";
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign in to {host}</title></head>
            <body>
            <h1>Sign in to {host}</h1>
            <p>The application <b id="client">{client}</b> asks for access ({scope}).</p>
            {message}
            <form method="post">
            <label>User name <input id="username" name="username" autocomplete="username" required></label>
            <label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
            <button id="allow" type="submit" name="decision" value="allow">Allow</button>
            <button id="deny" type="submit" name="decision" value="deny" formnovalidate>Deny</button>
            </form>
            </body></html>
            """, context.RequestAborted);
    }

    /// <summary>An RS256 ID token (OpenID Connect Core section 2) for the code's user, with the authorize request's nonce.</summary>
    private string SignedIdToken(IssuedTokens issued, string? nonce)
    {
        var now = Time.GetUtcNow();
        var header = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes($$"""{"alg":"RS256","typ":"JWT","kid":"{{_idTokenKeyId}}"}"""));
        using var payload = new MemoryStream();
        using (var json = new Utf8JsonWriter(payload))
        {
            json.WriteStartObject();
            json.WriteString("iss", BaseAddress.AbsoluteUri.TrimEnd('/'));
            json.WriteString("sub", issued.Subject);
            json.WriteString("aud", Options.ClientId);
            json.WriteString("name", issued.Subject);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds());
            if (nonce is not null)
            {
                json.WriteString("nonce", nonce);
            }

            json.WriteEndObject();
        }

        var unsigned = header + "." + System.Buffers.Text.Base64Url.EncodeToString(payload.ToArray());
        var signature = _idTokenKey.SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return unsigned + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }
}
