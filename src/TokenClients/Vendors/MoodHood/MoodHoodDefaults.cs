namespace TokenClients.Vendors.MoodHood;

/// <summary>MoodHood's API (docs/vendors/moodhood.md).</summary>
public static class MoodHoodDefaults
{
    /// <summary>MoodHood's address.</summary>
    public static readonly Uri BaseAddress = new("https://moodhood.online/");

    /// <summary>The token endpoint's path (the <c>getAccessToken</c> method).</summary>
    public const string TokenPath = "v1/auth/token";
}
