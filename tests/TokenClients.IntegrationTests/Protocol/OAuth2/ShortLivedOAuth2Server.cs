namespace TokenClients.IntegrationTests.Protocol.OAuth2;

/// <summary>The OAuth2 server issuing access tokens that live two seconds.</summary>
public sealed class ShortLivedOAuth2Server : OAuth2Server
{
    /// <summary>The access token lifetime.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);

    /// <inheritdoc/>
    protected override TimeSpan AccessTokenLifetime => Lifetime;
}
