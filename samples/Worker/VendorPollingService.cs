using Microsoft.Extensions.Options;
using TokenClients;

namespace Worker;

/// <summary>Calls every vendor's API each <c>Worker:Interval</c>, logging what each answered; stops after <c>Worker:Rounds</c>.</summary>
internal sealed partial class VendorPollingService(
    MluviiApi mluvii,
    MoodHoodApi moodHood,
    TelmaiApi telmai,
    OliApi oli,
    JustLoginApi justLogin,
    [FromKeyedServices("justlogin")] IAuthorizationCodeFlow justLoginFlow,
    Emulators emulators,
    IOptions<WorkerSettings> settings,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<VendorPollingService> logger) : BackgroundService
{
    private int _failures;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await emulators.TryConnectAsync(justLoginFlow, justLogin.Subject, stoppingToken))
        {
            LogUserNotConnected(logger, justLogin.Subject);
        }

        (string Vendor, VendorApi Api)[] apis = [("Mluvii", mluvii), ("MoodHood", moodHood), ("Telmai", telmai), ("OLI", oli), ("JustLogin", justLogin)];
        using var timer = new PeriodicTimer(settings.Value.Interval, time);
        for (var round = 1; settings.Value.Rounds == 0 || round <= settings.Value.Rounds; round++)
        {
            await Task.WhenAll(apis.Select(api => CallAsync(round, api.Vendor, api.Api, stoppingToken)));
            if (settings.Value.Rounds != 0 && round == settings.Value.Rounds)
            {
                break;
            }

            await timer.WaitForNextTickAsync(stoppingToken);
        }

        LogDone(logger, settings.Value.Rounds, _failures);
        Environment.ExitCode = _failures == 0 ? 0 : 1;
        lifetime.StopApplication();
    }

    private async Task CallAsync(int round, string vendor, VendorApi api, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await api.GetAsync(cancellationToken);
            if (!answer.Ok)
            {
                Interlocked.Increment(ref _failures);
            }

            LogAnswer(logger, round, vendor, answer.Status, answer.Subject ?? "-");
        }
        catch (TokenRequestException exception)
        {
            // TokenClients' messages carry no secret: safe to log whole.
            Interlocked.Increment(ref _failures);
            LogNoToken(logger, round, vendor, exception);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Round {Round}: {Vendor} answered {Status} for {Subject}.")]
    private static partial void LogAnswer(ILogger logger, int round, string vendor, int status, string subject);

    [LoggerMessage(2, LogLevel.Error, "Round {Round}: no token for {Vendor}; the request was not sent.")]
    private static partial void LogNoToken(ILogger logger, int round, string vendor, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "JustLogin user '{Subject}' is not connected: a person signs in through IAuthorizationCodeFlow in your web application first.")]
    private static partial void LogUserNotConnected(ILogger logger, string subject);

    [LoggerMessage(4, LogLevel.Information, "{Rounds} rounds done, {Failures} failed calls.")]
    private static partial void LogDone(ILogger logger, int rounds, int failures);
}

/// <summary>The <c>Worker</c> section.</summary>
internal sealed class WorkerSettings
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    public int Rounds { get; set; }
}
