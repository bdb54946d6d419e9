namespace TokenClients.Vendors.Mluvii;

/// <summary>Mluvii's addresses (docs/vendors/mluvii.md).</summary>
public static class MluviiDefaults
{
    /// <summary>The cloud address; on-premise installations use their own domain.</summary>
    public static readonly Uri CloudAddress = new("https://app.mluvii.com/");

    /// <summary>The token endpoint's path below the base address.</summary>
    public const string TokenPath = "login/connect/token";
}
