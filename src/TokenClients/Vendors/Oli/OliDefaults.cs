namespace TokenClients.Vendors.Oli;

/// <summary>OLI Systems' Keycloak (docs/vendors/oli.md).</summary>
public static class OliDefaults
{
    /// <summary>OLI's Keycloak server.</summary>
    public static readonly Uri ServerAddress = new("https://auth.olisystems.com/");

    /// <summary>OLI's realm.</summary>
    public const string Realm = "api";

    /// <summary>The public client OLI's users log in with.</summary>
    public const string ClientId = "apiclient";
}
