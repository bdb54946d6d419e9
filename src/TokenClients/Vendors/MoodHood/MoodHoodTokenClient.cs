using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using TokenClients.Diagnostics;
using TokenClients.Internal;

namespace TokenClients.Vendors.MoodHood;

/// <summary>
/// MoodHood's user stage (docs/vendors/moodhood.md): the user token (<c>password</c>) and its refresh, in JSON, with the
/// client token of <c>{name}.client</c> as Bearer. Responses carry no <c>expires_in</c>: expiry comes from the JWT <c>exp</c>.
/// MoodHood answers a refused client token and a refused user credential with the same 401, so the client token is
/// replaced only when <see cref="ClientTokenReplacement"/> allows it, and never on a refresh: a refused refresh falls back
/// to the password request, which carries the same client token and so settles which of the two was refused.
/// </summary>
/// <param name="providerName">The provider the user registered, named in errors.</param>
/// <param name="options">The provider's settings.</param>
/// <param name="httpClient">Creates the token endpoint's HttpClient.</param>
/// <param name="time">The clock that stamps expiries.</param>
/// <param name="clientStage">The provider of the client token.</param>
/// <param name="logger">The token client's logger.</param>
internal sealed class MoodHoodTokenClient(string providerName, MoodHoodOptions options, Func<HttpClient> httpClient, TimeProvider time, ITokenProvider clientStage, ILogger logger)
    : ITokenClient, Caching.IConfigurationFingerprint
{
    private readonly ClientTokenReplacement _replacement = new(time);
    private readonly TokenResponseOptions _response = new();

    public bool CanRefresh => options.UseRefreshTokens;

    public bool RequiresInteraction => false;

    /// <summary>Gets what the shared cache keys the user's tokens by: endpoint, grant, client id, user name; never a secret.</summary>
    public Caching.ConfigurationFingerprint Fingerprint => field ??= Caching.ConfigurationFingerprint.Create(
        GrantTypes.Password, options.TokenEndpoint, options.ClientId, scope: null, resource: null, options.Username, []);

    /// <summary>The name of the provider that holds a MoodHood provider's client token.</summary>
    public static string ClientStageName(string providerName) => providerName + ".client";

    /// <summary>
    /// Stage 1, "Generating client access token": <c>{"client_id","client_secret","grant_type":"client_credentials"}</c>,
    /// a preset of the custom token client; refreshed with the same shape unless the account has no refresh grant.
    /// </summary>
    public static CustomTokenOptions ClientStage(MoodHoodOptions options)
    {
        var custom = new CustomTokenOptions
        {
            TokenEndpoint = options.TokenEndpoint,
            Encoding = RequestEncoding.Json,
            GrantType = GrantTypes.ClientCredentials,
            RefreshGrantType = options.UseRefreshTokens ? GrantTypes.RefreshToken : null,
            ClientId = options.ClientId,
            ClientSecret = options.ClientSecret,
        };
        options.CopyTokenClientSettingsTo(custom);
        return custom;
    }

    /// <summary>Stage 2, "Generating user access token": <c>{"client_id","client_secret","grant_type":"password","username","password"}</c>.</summary>
    public Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken) =>
        SendAsync(GrantTypes.Password, ("username", options.Username), ("password", options.Password), context, refresh: false, cancellationToken);

    /// <summary>
    /// The page names the refresh token but not its request: the same shape with <c>grant_type=refresh_token</c> (the
    /// digest's decision), with the client token as Bearer like every user-level request.
    /// </summary>
    public Task<TokenSet> RefreshTokenAsync(TokenSet current, TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentException.ThrowIfNullOrEmpty(current.RefreshToken);
        return CanRefresh
            ? SendAsync(GrantTypes.RefreshToken, ("refresh_token", current.RefreshToken), default, context, refresh: true, cancellationToken)
            : throw new NotSupportedException($"Token provider '{providerName}' is set not to use refresh tokens.");
    }

    private async Task<TokenSet> SendAsync(string grant, (string Name, string? Value) first, (string Name, string? Value) second, TokenContext context, bool refresh, CancellationToken cancellationToken)
    {
        var bearer = await ClientTokenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await SendOnceAsync(grant, first, second, context, bearer, refresh, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenRequestException exception) when (!refresh && exception.StatusCode == HttpStatusCode.Unauthorized && exception.Error is null)
        {
            // Another caller replaced the client token while this request was out: the 401 may blame the old one, so the
            // request is sent once more with the current one, which nobody has to replace.
            var current = await ClientTokenAsync(cancellationToken).ConfigureAwait(false);
            if (!current.Equals(bearer))
            {
                return await SendOnceAsync(grant, first, second, context, current, refresh, cancellationToken).ConfigureAwait(false);
            }

            if (!_replacement.TryClaim(bearer, out var age))
            {
                Safe.Log(logger, static (l, name) => Log.ClientTokenKept(l, name, ClientTokenReplacement.Interval), providerName);
                throw;
            }

            // A client token in use for a while may have been revoked or expired early: replace it, once per interval.
            Safe.Log(logger, static (l, s) => Log.ClientTokenReplaced(l, s.providerName, s.age), (providerName, age));
            await clientStage.InvalidateAsync(bearer, cancellationToken: cancellationToken).ConfigureAwait(false);
            bearer = await ClientTokenAsync(cancellationToken).ConfigureAwait(false);
            return await SendOnceAsync(grant, first, second, context, bearer, refresh, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AccessToken> ClientTokenAsync(CancellationToken cancellationToken)
    {
        // The client stage's token client names this provider in its errors (MoodHoodTokenProviderBuilderExtensions).
        var token = await clientStage.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _replacement.Sending(token);
        return token;
    }

    private async Task<TokenSet> SendOnceAsync(string grant, (string Name, string? Value) first, (string Name, string? Value) second, TokenContext context, AccessToken bearer, bool refresh, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenEndpoint)
        {
            Content = new ByteArrayContent(Json(grant, first, second, context)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer.Value);
        if (refresh)
        {
            // The server may rotate the refresh token on first sight: not sent again once an attempt may have reached it.
            OneTimeCredential.Mark(request, OneTimeCredentialKind.RefreshToken);
        }

        // Awaited inside the using: a retry resends this request's content, which must outlive every attempt.
        return await JsonTokenEndpoint.SendAsync(httpClient(), request, providerName, _response, time, options.DefaultTokenLifetime,
            options.AcceptedTokenTypes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The body: client id and secret, the grant, its parameters, then the call's own parameters; every value a string.</summary>
    private byte[] Json(string grant, (string Name, string? Value) first, (string Name, string? Value) second, TokenContext context)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("client_id", options.ClientId);
            json.WriteString("client_secret", options.ClientSecret);
            json.WriteString("grant_type", grant);
            foreach (var (name, value) in (ReadOnlySpan<(string Name, string? Value)>)[first, second, ("scope", grant == GrantTypes.Password ? context.Scope : null)])
            {
                if (!string.IsNullOrEmpty(value))
                {
                    json.WriteString(name, value);
                }
            }

            foreach (var (name, value) in context.Parameters)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
