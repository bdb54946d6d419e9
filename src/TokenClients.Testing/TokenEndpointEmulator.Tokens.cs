using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;


namespace TokenClients.Testing;

/// <summary>The tokens an emulator issues, redeems and revokes: signed JWTs it keeps track of.</summary>
public abstract partial class TokenEndpointEmulator
{
    /// <summary>Issues an access token (and a refresh token when asked) for a subject.</summary>
    /// <param name="subject">Whose token.</param>
    /// <param name="clientId">The client it was issued to.</param>
    /// <param name="withRefreshToken">Whether to issue a refresh token.</param>
    /// <param name="scope">The scope granted.</param>
    /// <param name="accessTokenLifetime">Overrides <see cref="AccessTokenLifetime"/>.</param>
    /// <param name="kind">A label stored with the token (for example <c>client</c> or <c>user</c>).</param>
    /// <returns>The issued tokens.</returns>
    protected IssuedTokens Issue(string subject, string clientId, bool withRefreshToken, string? scope = null, TimeSpan? accessTokenLifetime = null, string kind = "user")
    {
        var now = Time.GetUtcNow();
        var lifetime = accessTokenLifetime ?? AccessTokenLifetime;
        var access = Options.OpaqueAccessTokens ? Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) : CreateJwt(subject, clientId, now, now + lifetime, kind);
        _tokens[access] = new IssuedToken(TokenKind.Access, subject, clientId, scope, kind, now + lifetime);
        string? refresh = null;
        if (withRefreshToken)
        {
            refresh = CreateJwt(subject, clientId, now, now + RefreshTokenLifetime, "refresh");
            _tokens[refresh] = new IssuedToken(TokenKind.Refresh, subject, clientId, scope, kind, now + RefreshTokenLifetime);
        }

        return new IssuedTokens(access, (int)Math.Ceiling(lifetime.TotalSeconds), refresh, (int)Math.Ceiling(RefreshTokenLifetime.TotalSeconds), subject, scope);
    }

    /// <summary>Checks a refresh token and, when <see cref="EmulatorOptions.RotateRefreshTokens"/> is on, consumes it.</summary>
    /// <param name="refreshToken">The refresh token presented.</param>
    /// <param name="clientId">The client presenting it.</param>
    /// <returns>What the refresh token was issued for, or <see langword="null"/> when it is not live or not that client's.</returns>
    protected IssuedToken? RedeemRefreshToken(string? refreshToken, string clientId)
    {
        if (Live(refreshToken, TokenKind.Refresh) is not { } issued || issued.ClientId != clientId)
        {
            return null;
        }

        if (Options.RotateRefreshTokens && !_tokens.TryRemove(refreshToken!, out _))
        {
            return null; // another request consumed it first
        }

        return issued;
    }

    /// <summary>Returns the access token's record when it is live and carries the label, else <see langword="null"/>.</summary>
    /// <param name="accessToken">The token.</param>
    /// <param name="kind">The label required, or <see langword="null"/> for any.</param>
    /// <returns>The record.</returns>
    protected IssuedToken? LiveAccessToken(string? accessToken, string? kind = null) =>
        Live(accessToken, TokenKind.Access) is { } issued && (kind is null || issued.Kind == kind) ? issued : null;

    private IssuedToken? Live(string? token, TokenKind kind) =>
        token is not null && _tokens.TryGetValue(token, out var issued) && issued.Type == kind && !issued.Revoked && Time.GetUtcNow() < issued.ExpiresAt
            ? issued
            : null;

    private void Revoke(TokenKind kind)
    {
        foreach (var (token, issued) in _tokens)
        {
            if (issued.Type == kind)
            {
                _tokens[token] = issued with { Revoked = true };
            }
        }
    }

    private string CreateJwt(string subject, string clientId, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string kind)
    {
        var header = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"HS256","typ":"JWT"}"""u8);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sub", subject);
            json.WriteString("client_id", clientId);
            json.WriteString("type", kind);
            json.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            json.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            json.WriteString("jti", Guid.NewGuid().ToString("N"));
            json.WriteEndObject();
        }

        var unsigned = header + "." + System.Buffers.Text.Base64Url.EncodeToString(buffer.ToArray());
        return unsigned + "." + System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(_signingKey, Encoding.ASCII.GetBytes(unsigned)));
    }

    /// <summary>Whether a token is an access or a refresh token.</summary>
    protected enum TokenKind
    {
        /// <summary>An access token.</summary>
        Access,

        /// <summary>A refresh token.</summary>
        Refresh,
    }

    /// <summary>What the emulator knows of a token it issued.</summary>
    /// <param name="Type">Access or refresh.</param>
    /// <param name="Subject">Whose token.</param>
    /// <param name="ClientId">The client it was issued to.</param>
    /// <param name="Scope">The scope granted.</param>
    /// <param name="Kind">The label given at issue (<c>client</c>, <c>user</c>, …).</param>
    /// <param name="ExpiresAt">When it expires.</param>
    /// <param name="Revoked">Whether it was revoked.</param>
    protected sealed record IssuedToken(TokenKind Type, string Subject, string ClientId, string? Scope, string Kind, DateTimeOffset ExpiresAt, bool Revoked = false);
}
