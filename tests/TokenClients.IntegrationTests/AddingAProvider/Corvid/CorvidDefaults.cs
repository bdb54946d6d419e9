namespace TokenClients.IntegrationTests.AddingAProvider.Corvid;

/// <summary>Corvid's addresses: a made-up vendor, following docs/adding-a-provider.md.</summary>
public static class CorvidDefaults
{
    /// <summary>Corvid's cloud address.</summary>
    public static readonly Uri Authority = new("https://auth.corvid.example/");

    /// <summary>The token endpoint's path below the base address.</summary>
    public const string TokenPath = "connect/token";

    /// <summary>The object Corvid wraps its token answer in.</summary>
    public const string AnswerWrapper = "data";
}
