using TokenClients.Internal;

namespace TokenClients.DependencyInjection;

/// <summary>What the <c>DPoP</c> section of a standard grant takes, and the start-time checks of its key.</summary>
internal static class DPoPSettings
{
    /// <summary>The keys of the <c>DPoP</c> section (a certificate is set in code).</summary>
    public static SettingTable<DPoPOptions> Table() => new SettingTable<DPoPOptions>()
        .Flag(nameof(DPoPOptions.Enabled), static (o, v) => o.Enabled = v)
        .Text(nameof(DPoPOptions.Key), static (o, v) => o.Key = v);

    /// <summary>A key without <c>Enabled</c>, two keys, or a key that does not load. Messages name the setting, never a value.</summary>
    public static void Validate(DPoPOptions options, OptionsErrors errors)
    {
        var key = !string.IsNullOrEmpty(options.Key);
        if (!options.Enabled)
        {
            if (key || options.Certificate is not null)
            {
                errors.AddSetting("DPoP.Enabled", $"must be true when DPoP:{(key ? nameof(options.Key) : nameof(options.Certificate))} is set (a key alone does not turn DPoP on).");
            }

            return;
        }

        if (key && options.Certificate is not null)
        {
            errors.AddSetting("DPoP.Key", "and DPoP:Certificate are both set; set one key.");
            return;
        }

        if (!key && options.Certificate is null)
        {
            return;
        }

        try
        {
            DPoPProofKey.Load(options, TimeProvider.System);
        }
        catch (InvalidOperationException exception)
        {
            errors.AddSetting(key ? "DPoP.Key" : "DPoP.Certificate", "is unusable: " + Unprefixed(exception.Message));
        }
    }

    private static string Unprefixed(string message) =>
        message.StartsWith("DPoP:Key ", StringComparison.Ordinal) ? message["DPoP:Key ".Length..]
        : message.StartsWith("DPoP:Certificate ", StringComparison.Ordinal) ? message["DPoP:Certificate ".Length..]
        : message;
}
