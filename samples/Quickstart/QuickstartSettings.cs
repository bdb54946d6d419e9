namespace Quickstart;

/// <summary>The run's own settings (section <c>Quickstart</c>).</summary>
internal sealed class QuickstartSettings
{
    /// <summary>Gets or sets how long the emulators' access tokens live.</summary>
    public TimeSpan EmulatorTokenLifetime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Gets or sets how many API calls each round makes.</summary>
    public int CallsPerRound { get; set; } = 3;

    /// <summary>Gets or sets the longest wait for a token to expire; a token that lives longer is not waited for.</summary>
    public TimeSpan MaxExpiryWait { get; set; } = TimeSpan.FromSeconds(10);
}
