using System.Collections.Concurrent;
using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// Token sets of signed-in users (authorization-code flows), kept in the <see cref="ITokenStore"/> per subject.
/// </summary>
/// <remarks>
/// <para>A user has one stored set and so one refresh token, which a rotating server accepts once. Every context of the
/// user therefore refreshes through one gate per subject (and, with a fleet lock, one lock per subject across
/// instances), and each refresh starts from the set stored now, never from a copy read before the gate.</para>
/// <para>The stored access token belongs to the user's plain context (<see cref="TokenContext.ForSubject"/>). A context
/// with its own scope, resource or parameters gets its own access token by refreshing with the stored refresh token,
/// writes back only the rotated refresh token, and never serves the stored access token: a token for one audience is
/// never handed to a caller that asked for another.</para>
/// <para>A stored set is removed only when this provider's own refresh request saw its refresh token rejected. When the
/// store holds a newer refresh token than the one rejected (another instance or a new sign-in rotated it meanwhile), the
/// refresh is tried once more with that one.</para>
/// </remarks>
internal sealed class SubjectTokenSource(TokenProvider provider, ITokenStore store) : ITokenSource
{
    private readonly SubjectGates _gates = new();

    // Refresh tokens whose last use ended without an answer (timeout, dropped connection, 5xx): the server may be
    // processing it still, or have rotated it. Presented again only after the token endpoint's total timeout.
    private readonly ConcurrentDictionary<string, long> _inDoubt = new(StringComparer.Ordinal);

    public async Task<TokenSet> FetchAsync(TokenEntry entry, CancellationToken cancellationToken)
    {
        var subject = entry.Context.Subject ?? throw new InvalidOperationException(
            $"Token provider '{provider.Name}' holds tokens of connected users: set {nameof(TokenContext)}.{nameof(TokenContext.Subject)} to the user's id.");
        using (await _gates.EnterAsync(subject, cancellationToken).ConfigureAwait(false))
        {
            if (provider.Shared is not { HasLock: true } shared)
            {
                return await RefreshAsync(entry, subject, cancellationToken).ConfigureAwait(false);
            }

            // One refresh per user across the fleet: the others wait for the rotated set to reach the store.
            return await shared.SingleFlightAsync(
                provider.Name,
                entry.SharedKey ??= DistributedTokenCoordinator.SubjectKey(provider.Client, provider.Name, subject),
                token => store.GetAsync(provider.Name, subject, token),
                tokens => entry.IsSubjectDefault && provider.IsNewerAndFresh(entry, tokens),
                token => RefreshAsync(entry, subject, token),
                publish: null,
                oneTimeCredential: true,
                cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TokenSet> RefreshAsync(TokenEntry entry, string subject, CancellationToken cancellationToken)
    {
        var name = provider.Name;
        var stored = await store.GetAsync(name, subject, cancellationToken).ConfigureAwait(false)
            ?? throw new InteractionRequiredException(name, subject, "The user has not signed in (no token set is stored for this user, or the user signed out); sign the user in through IAuthorizationCodeFlow");
        var isDefault = entry.IsSubjectDefault;
        if (isDefault && provider.IsNewerAndFresh(entry, stored))
        {
            return stored;
        }

        for (var attempt = 0; ; attempt++)
        {
            if (stored.RefreshToken is not { } refreshToken || !provider.Client.CanRefresh || stored.RefreshTokenExpiresAt <= provider.Time.GetUtcNow())
            {
                if (isDefault && provider.IsUsable(stored))
                {
                    return stored;
                }

                throw new InteractionRequiredException(name, subject, "The access token expired and no usable refresh token is stored; the user must sign in again");
            }

            ThrowIfInDoubt(name, refreshToken);
            TokenSet refreshed;
            try
            {
                // Once sent, a refresh is not abandoned (not at shutdown either): the server may rotate the token, and the
                // rotated one must reach the store. The token endpoint's total timeout bounds it.
                var current = stored;
                refreshed = await TokenClientsDiagnostics.TraceTokenRequestAsync(provider.Metrics, name, "refresh_token", provider.Time,
                    () => provider.RefreshAsync(current, entry.Context, CancellationToken.None)).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not TokenRequestException { StatusCode: not null }
                && exception.InnerException is not CredentialNotResentException { Answered: true })
            {
                // No answer (a timeout, a dropped connection): the server may still be using the refresh token, or have
                // rotated it. It is not presented again at once. An answer, even a 5xx, says the request is over.
                _inDoubt[refreshToken] = provider.Time.GetTimestamp();
                throw;
            }
            catch (TokenRequestException exception) when (exception.IsGrantRejected && exception.Error is null)
            {
                // A 400/401/403 without an OAuth error (a proxy's page, a firewall) says nothing about the refresh token:
                // the stored set stays.
                throw;
            }
            catch (TokenRequestException exception) when (exception.IsGrantRejected)
            {
                var now = await store.GetAsync(name, subject, CancellationToken.None).ConfigureAwait(false);
                if (attempt == 0 && now?.RefreshToken is { } newer && !string.Equals(newer, refreshToken, StringComparison.Ordinal))
                {
                    // Rotated meanwhile by another instance or a new sign-in: that refresh token is the live one.
                    Safe.Log(provider.Logger, static (logger, name) => Log.RefreshRaceLost(logger, name), name);
                    if (isDefault && provider.IsNewerAndFresh(entry, now))
                    {
                        return now;
                    }

                    stored = now;
                    continue;
                }

                if (now is not null && string.Equals(now.RefreshToken, refreshToken, StringComparison.Ordinal))
                {
                    // This request saw that very refresh token rejected: the stored set is dead.
                    await store.TryRemoveAsync(name, subject, now, CancellationToken.None).ConfigureAwait(false);
                }

                throw new InteractionRequiredException(name, subject, "The refresh token was rejected; the user must sign in again", exception);
            }

            // The old refresh token may be consumed already: the rotated one must reach the store whatever happens next.
            var replacement = isDefault ? refreshed.WithRefreshTokenFrom(stored) : stored.WithRefreshTokenOf(refreshed);
            if (!TokenSetIdentity.Same(replacement, stored)
                && !await store.TryReplaceAsync(name, subject, stored, replacement, CancellationToken.None).ConfigureAwait(false))
            {
                if (await store.GetAsync(name, subject, CancellationToken.None).ConfigureAwait(false) is null)
                {
                    throw new InteractionRequiredException(name, subject, "The user's token set was removed (signed out) while it was being refreshed; the user must sign in again");
                }

                Safe.Log(provider.Logger, static (logger, name) => Log.RefreshRaceLost(logger, name), name);
            }

            return isDefault ? replacement : refreshed;
        }
    }

    private void ThrowIfInDoubt(string name, string refreshToken)
    {
        if (_inDoubt.TryGetValue(refreshToken, out var since))
        {
            if (provider.Time.GetElapsedTime(since) < TokenClientsHttp.DefaultTotalTimeout)
            {
                throw new TokenRequestException(name, null, "temporarily_unavailable", null,
                    "The last refresh with the stored refresh token got no answer and the server may still be using it; it is not presented again before the token endpoint's total timeout has passed");
            }

            _inDoubt.TryRemove(refreshToken, out _);
        }
    }
}
