namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>The tests that share one oidc-provider server.</summary>
[CollectionDefinition(Name)]
public sealed class OidcProviderGroup : ICollectionFixture<OidcProviderServer>
{
    public const string Name = "oidc-provider";
}
