using TokenClients.Diagnostics;

namespace TokenClients.Caching;

/// <summary>
/// Token sets of the client itself (client credentials, password, vendor grants): uses the entry's refresh token when
/// it has one, and falls back to a fresh request when the refresh token is rejected, since the configured credentials
/// can always obtain a new set. With a shared cache, fetches go through the fleet's single flight.
/// </summary>
internal sealed class ClientTokenSource(TokenProvider provider) : ITokenSource
{
    public Task<TokenSet> FetchAsync(TokenEntry entry, CancellationToken cancellationToken)
    {
        if (provider.Shared is not { HasCache: true } shared)
        {
            return RequestAsync(entry, cancellationToken);
        }

        var key = entry.SharedKey ??= DistributedTokenCoordinator.ContextKey(provider.Client, provider.Name, entry.Context);
        return shared.SingleFlightAsync(
            provider.Name,
            key,
            token => shared.GetAsync(key, token),
            tokens => provider.IsNewerAndFresh(entry, tokens),
            token => RequestAsync(entry, token),
            (tokens, token) => shared.SetAsync(key, tokens, token),
            cancellationToken);
    }

    private async Task<TokenSet> RequestAsync(TokenEntry entry, CancellationToken cancellationToken)
    {
        var previous = Volatile.Read(ref entry.Last);
        if (previous?.RefreshToken is not null && provider.Client.CanRefresh && !(previous.RefreshTokenExpiresAt <= provider.Time.GetUtcNow()))
        {
            try
            {
                var refreshed = await TokenClientsDiagnostics.TraceTokenRequestAsync(provider.Metrics, provider.Name, "refresh_token", provider.Time,
                    () => provider.RefreshAsync(previous, entry.Context, cancellationToken)).ConfigureAwait(false);
                return refreshed.WithRefreshTokenFrom(previous);
            }
            catch (TokenRequestException exception) when (exception.IsGrantRejected)
            {
                // Non-interactive: the credentials can still obtain a new token set.
                Safe.Log(provider.Logger, static (logger, state) => Log.RefreshRejectedFallingBack(logger, state.Name, state.Error), (provider.Name, exception.Error));
            }
        }

        return await TokenClientsDiagnostics.TraceTokenRequestAsync(provider.Metrics, provider.Name, "request", provider.Time,
            () => provider.Client.RequestTokenAsync(entry.Context, cancellationToken)).ConfigureAwait(false);
    }
}
