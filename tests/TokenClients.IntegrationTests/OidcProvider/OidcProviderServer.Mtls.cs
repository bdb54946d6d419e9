namespace TokenClients.IntegrationTests.OidcProvider;

public sealed partial class OidcProviderServer
{
    /// <summary>Runs <c>npm ci</c> in the fixture folder when its packages are missing: the mutual TLS server shares them.</summary>
    internal static async Task EnsurePackagesAsync(string folder)
    {
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "oidc-provider")))
        {
            await NpmCiAsync(folder);
        }
    }
}
