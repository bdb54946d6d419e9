using Duende.IdentityModel.Client;
using Microsoft.Extensions.Logging;

namespace TokenClients.OAuth2;

/// <summary>The subject token (and actor token, if any) of one exchange, found from the context the provider caches it under.</summary>
/// <param name="SubjectToken">The subject token; never logged.</param>
/// <param name="ActorToken">The actor token, or <see langword="null"/>; never logged.</param>
internal readonly record struct ExchangeTokens(string SubjectToken, string? ActorToken)
{
    /// <inheritdoc/>
    public override string ToString() => $"ExchangeTokens {{ ActorToken = {(ActorToken is null ? "none" : "present")} }}";
}

/// <summary>Finds the tokens to exchange for a context; set by the provider kind, which knows where they come from.</summary>
internal delegate ValueTask<ExchangeTokens> ExchangeTokenSource(TokenContext context, CancellationToken cancellationToken);

/// <summary>
/// The token exchange grant (RFC 8693). The context it is asked for carries a hash of the subject token
/// (<see cref="SubjectHashParameter"/>), never the token itself: the tokens come from <see cref="ExchangeTokenSource"/>.
/// No refresh: a token is renewed by a new exchange of the current subject token.
/// </summary>
internal sealed class TokenExchangeTokenClient(string providerName, TokenExchangeOptions options, IHttpClientFactory httpClientFactory, TimeProvider timeProvider, ILogger logger, ExchangeTokenSource tokens)
    : OAuth2TokenClient<TokenExchangeOptions>(providerName, options, httpClientFactory, timeProvider, logger)
{
    /// <summary>The <c>grant_type</c> of RFC 8693 section 2.1.</summary>
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// <summary>The context parameter that stands for the subject token in a cache key: its SHA-256. Never sent.</summary>
    public const string SubjectHashParameter = "subject_token#sha256";

    public override bool CanRefresh => false;

    public override async Task<TokenSet> RequestTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (subjectToken, actorToken) = await tokens(context, cancellationToken).ConfigureAwait(false);
        var request = new TokenRequest { GrantType = GrantType };
        request.Parameters.Add("subject_token", subjectToken);
        request.Parameters.Add("subject_token_type", Options.SubjectTokenType);
        if (actorToken is not null)
        {
            request.Parameters.Add("actor_token", actorToken);
            request.Parameters.Add("actor_token_type", Options.ActorTokenType);
        }

        if (Options.Audience is { Length: > 0 } audience)
        {
            request.Parameters.Add("audience", audience);
        }

        if (Options.RequestedTokenType is { Length: > 0 } requested)
        {
            request.Parameters.Add("requested_token_type", requested);
        }

        return await SendAsync(GrantType, request, WireContext(context), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The context as the wire sees it: without the subject token's hash, and without the token itself.</summary>
    internal static TokenContext WireContext(TokenContext context)
    {
        var parameters = context.SortedParameterSpan;
        var keep = new List<KeyValuePair<string, string>>(parameters.Length);
        foreach (var parameter in parameters)
        {
            if (parameter.Key is not (SubjectHashParameter or TokenExchangeOptions.SubjectTokenParameter))
            {
                keep.Add(parameter);
            }
        }

        return keep.Count == parameters.Length ? context : new TokenContext(context.Subject, context.Scope, context.Resource, keep);
    }
}
