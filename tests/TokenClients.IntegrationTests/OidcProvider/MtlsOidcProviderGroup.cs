namespace TokenClients.IntegrationTests.OidcProvider;

/// <summary>The tests that share one oidc-provider server with mutual TLS.</summary>
[CollectionDefinition(Name)]
public sealed class MtlsOidcProviderGroup : ICollectionFixture<MtlsOidcProviderServer>
{
    public const string Name = "oidc-provider-mtls";
}
