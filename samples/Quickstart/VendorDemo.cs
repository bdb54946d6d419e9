using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenClients;
using TokenClients.Testing;

namespace Quickstart;

/// <summary>
/// One vendor end to end: its emulator (unless configuration names the real vendor), its registration as an
/// application writes it, then API calls before and after the token expires.
/// </summary>
internal abstract class VendorDemo(string title, string sectionName, string providerName, string flow) : IAsyncDisposable
{
    // Waiting this long past a token's expiry leaves no doubt that it is dead everywhere.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMilliseconds(250);


    /// <summary>Gets the vendor's name as printed.</summary>
    public string Title { get; } = title;

    /// <summary>Gets the configuration section with the vendor's settings: <c>Vendors:{name}</c>.</summary>
    public string SectionPath { get; } = "Vendors:" + sectionName;

    /// <summary>Gets the token provider's name.</summary>
    public string ProviderName { get; } = providerName;

    /// <summary>Gets the flow, as printed.</summary>
    public string Flow { get; } = flow;

    /// <summary>Gets the running emulator, or <see langword="null"/> when the real vendor is called.</summary>
    public TokenEndpointEmulator? Emulator { get; private set; }

    /// <summary>Whether the user's configuration sets anything for this vendor: then the real vendor is called.</summary>
    public bool HasRealSettings(IConfiguration configuration) =>
        configuration.GetSection(SectionPath).AsEnumerable().Any(setting => !string.IsNullOrWhiteSpace(setting.Value));

    /// <summary>The settings the user's configuration gives this vendor, secrets masked: <c>ClientId=…, ClientSecret=***</c>.</summary>
    public string DescribeRealSettings(IConfiguration configuration) => string.Join(", ", configuration.GetSection(SectionPath)
        .AsEnumerable(makePathsRelative: true)
        .Where(setting => !string.IsNullOrWhiteSpace(setting.Value))
        .OrderBy(setting => setting.Key, StringComparer.OrdinalIgnoreCase)
        .Select(setting => $"{setting.Key}={(IsSecret(setting.Key) ? "***" : setting.Value)}"));

    /// <summary>Starts the emulator; returns the settings that point the vendor's section at it.</summary>
    public async Task<IEnumerable<KeyValuePair<string, string?>>> StartEmulatorAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken)
    {
        var (emulator, settings) = await StartEmulatorCoreAsync(tokenLifetime, cancellationToken);
        Emulator = emulator;
        settings["ApiUrl"] = emulator.ApiEndpoint.AbsoluteUri;
        return settings.Select(setting => KeyValuePair.Create(SectionPath + ":" + setting.Key, setting.Value));
    }

    /// <summary>Registers the vendor's token provider and typed API client, reading the vendor's settings from <paramref name="section"/>.</summary>
    public abstract void Register(IServiceCollection services, IConfigurationSection section);

    /// <summary>Calls the API, lets the token expire, calls again; never throws.</summary>
    public async Task<VendorResult> RunAsync(IServiceProvider services, IConfiguration configuration, QuickstartSettings settings, TokenClientsMonitor monitor, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var section = configuration.GetSection(SectionPath);
        var answers = new List<ApiAnswer>();
        string? note = null;
        string? error = null;
        try
        {
            var context = await SignInAsync(services, section, cancellationToken);
            var api = GetApi(services);
            async Task CallRoundAsync()
            {
                for (var i = 0; i < settings.CallsPerRound; i++)
                {
                    answers.Add(await api.GetAsync(context, cancellationToken));
                }
            }

            // The first call gets a token; the next ones reuse it from the cache.
            await CallRoundAsync();

            // Let the token expire. The provider tells when: AccessToken.ExpiresAt (its value is never printed).
            var provider = services.GetRequiredKeyedService<ITokenProvider>(ProviderName);
            var token = await provider.GetTokenAsync(context, cancellationToken);
            var untilExpiry = token.ExpiresAt - TimeProvider.System.GetUtcNow();
            if (untilExpiry <= settings.MaxExpiryWait)
            {
                await Task.Delay((untilExpiry > TimeSpan.Zero ? untilExpiry : TimeSpan.Zero) + ExpiryMargin, TimeProvider.System, cancellationToken);
            }
            else
            {
                note = string.Create(CultureInfo.InvariantCulture,
                    $"the token is valid until {token.ExpiresAt:HH:mm:ss} UTC, past the {settings.MaxExpiryWait.TotalSeconds:0} s this run waits: the second round reused it");
            }

            // The first call finds the token expired: the provider gets a new one (refresh token, or the grant again).
            await CallRoundAsync();

            if (answers.FindLast(answer => !answer.Ok) is { } failed)
            {
                error = string.Create(CultureInfo.InvariantCulture,
                    $"{answers.Count(answer => !answer.Ok)} of {answers.Count} API calls failed (HTTP {(int)failed.Status} {failed.Status})");
            }
        }
        catch (Exception exception)
        {
            // Every TokenClients message is free of secrets; so are those of options validation.
            error = $"{exception.GetType().Name}: {exception.Message}";
        }

        return new VendorResult(
            Title,
            Emulator is null ? TargetHost(section) : "emulator",
            Flow,
            Emulator is null ? monitor.DescribeTokenRequests(ProviderName) : DescribeJournal(Emulator.Journal),
            answers.Count(answer => answer.Ok),
            answers.Count,
            monitor.Refreshes(ProviderName),
            answers.LastOrDefault(answer => answer.Subject is not null)?.Subject,
            TimeProvider.System.GetElapsedTime(started),
            error,
            note);
    }

    public async ValueTask DisposeAsync()
    {
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }

    /// <summary>The API's address from the section's <c>ApiUrl</c>.</summary>
    protected Uri ApiUrl(IConfigurationSection section) =>
        Uri.TryCreate(section["ApiUrl"], UriKind.Absolute, out var url)
            ? url
            : throw new InvalidOperationException($"Set {SectionPath}:ApiUrl to a protected GET endpoint of {Title}'s API.");

    /// <summary>Starts the vendor's emulator with the given token lifetime; returns it with the settings that reach it.</summary>
    protected abstract Task<(TokenEndpointEmulator Emulator, Dictionary<string, string?> Settings)> StartEmulatorCoreAsync(TimeSpan tokenLifetime, CancellationToken cancellationToken);

    /// <summary>Resolves the vendor's typed API client.</summary>
    protected abstract VendorApi GetApi(IServiceProvider services);

    /// <summary>Signs a user in where the flow needs one; returns the context that selects that user's token.</summary>
    protected virtual Task<TokenContext?> SignInAsync(IServiceProvider services, IConfigurationSection section, CancellationToken cancellationToken) =>
        Task.FromResult<TokenContext?>(null);

    /// <summary>Client secrets, passwords and any token-valued setting are never printed.</summary>
    private static bool IsSecret(string key) =>
        key.Contains("Secret", StringComparison.OrdinalIgnoreCase)
        || key.Contains("Password", StringComparison.OrdinalIgnoreCase)
        || key.EndsWith("Token", StringComparison.OrdinalIgnoreCase);

    private static string TargetHost(IConfigurationSection section) =>
        Uri.TryCreate(section["ApiUrl"], UriKind.Absolute, out var url) ? url.Host : "configured";

    /// <summary>Successful token requests by grant, in the order they came, then any the emulator refused.</summary>
    private static string DescribeJournal(EmulatorJournal journal)
    {
        var requests = journal.TokenRequests;
        var parts = requests
            .Where(r => r.StatusCode == 200)
            .GroupBy(r => r.GrantType ?? "unknown")
            .Select(g => $"{g.Key} {g.Count()}")
            .ToList();
        if (requests.Count(r => r.StatusCode != 200) is > 0 and var refused)
        {
            parts.Add($"refused {refused}");
        }

        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}

/// <summary>What one vendor's run did.</summary>
internal sealed record VendorResult(
    string Vendor,
    string Target,
    string Flow,
    string TokenRequests,
    int ApiCallsOk,
    int ApiCalls,
    int Refreshes,
    string? Subject,
    TimeSpan Elapsed,
    string? Error,
    string? Note)
{
    public bool Succeeded => Error is null;
}
