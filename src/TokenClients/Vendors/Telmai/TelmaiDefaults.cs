namespace TokenClients.Vendors.Telmai;

/// <summary>Telmai's token endpoint details (docs/vendors/telmai.md).</summary>
public static class TelmaiDefaults
{
    /// <summary>The token endpoint's path below the auth endpoint.</summary>
    public const string TokenPath = "auth/token";
}
