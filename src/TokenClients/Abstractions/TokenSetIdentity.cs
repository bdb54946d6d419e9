namespace TokenClients;

/// <summary>Whether two token sets are the same issue: equal access and refresh tokens.</summary>
internal static class TokenSetIdentity
{
    public static bool Same(TokenSet? a, TokenSet? b) =>
        ReferenceEquals(a, b)
        || (a is not null && b is not null
            && string.Equals(a.AccessToken, b.AccessToken, StringComparison.Ordinal)
            && string.Equals(a.RefreshToken, b.RefreshToken, StringComparison.Ordinal));
}
