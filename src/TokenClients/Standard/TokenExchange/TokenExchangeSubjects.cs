using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using TokenClients.Caching;

namespace TokenClients.OAuth2;

/// <summary>
/// Where one exchange provider's subject tokens come from, and the stand-in its cache keys use for them: a request's
/// context becomes the context of its cache entry, in which the subject token is replaced by its SHA-256. A new subject
/// token is a new entry, so a rotated or replaced subject token is exchanged anew. The token client finds the token
/// again from the hash (<see cref="ResolveAsync"/>).
/// </summary>
internal sealed class TokenExchangeSubjects(string providerName, TokenExchangeOptions options, IServiceProvider services, int capacity)
{
    // Subject tokens by their hash, with when they were last asked for: the exchanges the provider may still run. Bounded.
    private readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    private readonly Lock _trim = new();
    private ITokenProvider? _subjectProvider;
    private ITokenProvider? _actorProvider;

    // The last context mapped, by reference: a provider's default context with an unchanged subject token costs no hash.
    private volatile Mapping? _last;

    /// <summary>Gets the provider named for the subject token, or <see langword="null"/> when the context carries it.</summary>
    public string? SubjectProviderName => options.SubjectTokenProvider;

    /// <summary>The context the subject token is asked for at its provider: the request's user, nothing else.</summary>
    public static TokenContext SubjectContext(TokenContext context) =>
        context.Subject is { } subject ? TokenContext.ForSubject(subject) : TokenContext.Default;

    /// <summary>The subject token for a request: the subject provider's token, or the one the context carries.</summary>
    /// <exception cref="InvalidOperationException">No subject provider is configured and the context carries no subject token.</exception>
    public ValueTask<AccessToken?> GetSubjectTokenAsync(TokenContext context, CancellationToken cancellationToken)
    {
        if (options.SubjectTokenProvider is not null)
        {
            var pending = SubjectProvider.GetTokenAsync(SubjectContext(context), cancellationToken);
            return pending.IsCompletedSuccessfully ? new ValueTask<AccessToken?>(pending.Result) : AwaitAsync(pending);
        }

        return context.Parameters.ContainsKey(TokenExchangeOptions.SubjectTokenParameter)
            ? new ValueTask<AccessToken?>((AccessToken?)null)
            : throw new InvalidOperationException(
                $"Token provider '{providerName}' exchanges the subject token its requests carry: set the '{TokenExchangeOptions.SubjectTokenParameter}' parameter of the {nameof(TokenContext)}, or configure {nameof(TokenExchangeOptions.SubjectTokenProvider)}.");

        static async ValueTask<AccessToken?> AwaitAsync(ValueTask<AccessToken> pending) => await pending.ConfigureAwait(false);
    }

    /// <summary>
    /// The context of the cache entry for a request and its subject token (<paramref name="subjectToken"/>, or the one
    /// the context carries): the same subject, scope, resource and parameters, with the subject token's hash in its place.
    /// </summary>
    public TokenContext EntryContext(TokenContext context, AccessToken? subjectToken)
    {
        var token = subjectToken?.Value ?? context.Parameters[TokenExchangeOptions.SubjectTokenParameter];
        if (_last is { } last && ReferenceEquals(last.Context, context) && ReferenceEquals(last.SubjectToken, token))
        {
            return last.Entry;
        }

        var hash = KeyHash.Of("subject_token", token);
        var parameters = new List<KeyValuePair<string, string>>(context.Parameters.Count + 1) { new(TokenExchangeTokenClient.SubjectHashParameter, hash) };
        foreach (var parameter in context.SortedParameterSpan)
        {
            if (parameter.Key is not (TokenExchangeOptions.SubjectTokenParameter or TokenExchangeTokenClient.SubjectHashParameter))
            {
                parameters.Add(parameter);
            }
        }

        var entry = new TokenContext(context.Subject, context.Scope, context.Resource, parameters);
        Remember(hash, token);
        _last = new Mapping(context, token, entry);
        return entry;
    }

    /// <summary>The tokens to send for a cache entry's context: the subject token its hash stands for, and the actor token.</summary>
    /// <remarks>
    /// A context that did not come through the provider (the token client asked directly) carries no hash: its subject
    /// token is the one it carries, or the subject provider's current one.
    /// </remarks>
    public async ValueTask<ExchangeTokens> ResolveAsync(TokenContext context, CancellationToken cancellationToken)
    {
        string subjectToken;
        if (context.Parameters.TryGetValue(TokenExchangeTokenClient.SubjectHashParameter, out var hash))
        {
            if (!_known.TryGetValue(hash, out var known))
            {
                throw new TokenRequestException(providerName, null, null, null,
                    "The subject token of this exchange is no longer held (it was replaced long ago); ask for a token again to exchange the current one");
            }

            Volatile.Write(ref known.LastUsedTicks, Environment.TickCount64);
            subjectToken = known.Token;
        }
        else
        {
            subjectToken = (await GetSubjectTokenAsync(context, cancellationToken).ConfigureAwait(false))?.Value
                ?? context.Parameters[TokenExchangeOptions.SubjectTokenParameter];
        }

        var actor = options.ActorTokenProvider is null ? null
            : (await ActorProvider.GetTokenAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        return new ExchangeTokens(subjectToken, actor);
    }

    private ITokenProvider SubjectProvider => _subjectProvider ??= services.GetRequiredKeyedService<ITokenProvider>(options.SubjectTokenProvider!);

    private ITokenProvider ActorProvider => _actorProvider ??= services.GetRequiredKeyedService<ITokenProvider>(options.ActorTokenProvider!);

    private void Remember(string hash, string token)
    {
        var known = _known.GetOrAdd(hash, static (_, token) => new Known(token), token);
        Volatile.Write(ref known.LastUsedTicks, Environment.TickCount64);
        if (_known.Count > capacity)
        {
            lock (_trim)
            {
                // The least recently asked-for go; their cache entries, if still held, fail their next refresh and are replaced.
                var excess = _known.Count - (capacity * 9 / 10);
                foreach (var (oldHash, old) in _known.OrderBy(p => Volatile.Read(ref p.Value.LastUsedTicks)).Take(Math.Max(excess, 0)).ToList())
                {
                    if (!ReferenceEquals(old, known))
                    {
                        _known.TryRemove(new KeyValuePair<string, Known>(oldHash, old));
                    }
                }
            }
        }
    }

    private sealed class Known(string token)
    {
        public readonly string Token = token;
        public long LastUsedTicks;
    }

    private sealed class Mapping(TokenContext context, string subjectToken, TokenContext entry)
    {
        public TokenContext Context { get; } = context;

        public string SubjectToken { get; } = subjectToken;

        public TokenContext Entry { get; } = entry;
    }
}
