using Microsoft.Extensions.Logging;
using TokenClients.Caching;
using TokenClients.Diagnostics;

namespace TokenClients.OAuth2;

/// <summary>
/// The provider of a token exchange: the one cached pipeline (<see cref="TokenProvider"/>: cache, single flight,
/// refresh-ahead, resilience, telemetry) asked with the context of the request's subject token, whose hash stands for it.
/// An API's 401 drops the exchanged token only; a subject token the token endpoint rejects is dropped at its provider and
/// a new one exchanged, once.
/// </summary>
internal sealed class TokenExchangeProvider(TokenProvider inner, TokenExchangeSubjects subjects, IServiceProvider services) : ITokenProvider, IRejectionFeedback, IDisposable
{
    private ITokenProvider? _subjectProvider;

    public string Name => inner.Name;

    public ValueTask<AccessToken> GetTokenAsync(TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        context ??= TokenContext.Default;
        var subject = subjects.GetSubjectTokenAsync(context, cancellationToken);
        if (subject.IsCompletedSuccessfully)
        {
            var subjectToken = subject.Result;
            var pending = inner.GetTokenAsync(subjects.EntryContext(context, subjectToken), cancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                return pending;
            }

            return new ValueTask<AccessToken>(ExchangeAsync(context, subjectToken, pending, cancellationToken));
        }

        return new ValueTask<AccessToken>(ExchangeAsync(context, subject, cancellationToken));
    }

    public async ValueTask InvalidateAsync(AccessToken token, TokenContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        context ??= TokenContext.Default;

        // Only the exchanged token goes: the subject token may still be good for its own APIs.
        var subjectToken = await subjects.GetSubjectTokenAsync(context, cancellationToken).ConfigureAwait(false);
        await inner.InvalidateAsync(token, subjects.EntryContext(context, subjectToken), cancellationToken).ConfigureAwait(false);
    }

    public void Accepted(AccessToken token, TokenContext? context)
    {
        context ??= TokenContext.Default;
        var subject = subjects.GetSubjectTokenAsync(context, CancellationToken.None);
        if (subject.IsCompletedSuccessfully)
        {
            inner.Accepted(token, subjects.EntryContext(context, subject.Result));
        }
    }

    public void Dispose() => inner.Dispose();

    private async Task<AccessToken> ExchangeAsync(TokenContext context, ValueTask<AccessToken?> subject, CancellationToken cancellationToken)
    {
        var subjectToken = await subject.ConfigureAwait(false);
        return await ExchangeAsync(context, subjectToken, inner.GetTokenAsync(subjects.EntryContext(context, subjectToken), cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<AccessToken> ExchangeAsync(TokenContext context, AccessToken? subjectToken, ValueTask<AccessToken> pending, CancellationToken cancellationToken)
    {
        try
        {
            return await pending.ConfigureAwait(false);
        }
        catch (TokenRequestException exception) when (exception.Error == "invalid_grant" && subjectToken is not null && subjects.SubjectProviderName is { } subjectProviderName)
        {
            // The server no longer takes the subject token (revoked, expired early): its provider drops it, and the new one
            // is exchanged. Once: a second rejection is the caller's.
            Safe.Log(inner.Logger, static (logger, state) => Log.SubjectTokenRejected(logger, state.Name, state.subjectProviderName), (inner.Name, subjectProviderName));
            var subjectContext = TokenExchangeSubjects.SubjectContext(context);
            var subjectProvider = _subjectProvider ??= Microsoft.Extensions.DependencyInjection.ServiceProviderKeyedServiceExtensions.GetRequiredKeyedService<ITokenProvider>(services, subjectProviderName);
            await subjectProvider.InvalidateAsync(subjectToken, subjectContext, cancellationToken).ConfigureAwait(false);
            var fresh = await subjects.GetSubjectTokenAsync(context, cancellationToken).ConfigureAwait(false);
            if (fresh is null || string.Equals(fresh.Value, subjectToken.Value, StringComparison.Ordinal))
            {
                throw;
            }

            return await inner.GetTokenAsync(subjects.EntryContext(context, fresh), cancellationToken).ConfigureAwait(false);
        }
    }
}
