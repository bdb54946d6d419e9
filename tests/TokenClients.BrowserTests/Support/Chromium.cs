using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace TokenClients.BrowserTests.Support;

/// <summary>
/// Debian's headless Chromium driven through chromedriver, installed with apt-get when the machine has neither. Each
/// instance is a browser of its own (own profile, own cookies): two instances are two people. Only loopback addresses
/// resolve, and Chromium's own background traffic is off.
/// </summary>
public sealed class Chromium : IDisposable
{
    private readonly ChromeDriverService _service;

    private Chromium(ChromeDriverService service, ChromeDriver driver)
    {
        _service = service;
        Driver = driver;
    }

    public ChromeDriver Driver { get; }

    public static async Task<Chromium> StartAsync()
    {
        var (browser, driver) = await FindOrInstallAsync();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1100,800",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--disable-background-networking",
            "--disable-component-update", "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",

            // Loopback only: every other host name fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1");
        options.AddUserProfilePreference("credentials_enable_service", false);
        options.AddUserProfilePreference("profile.password_manager_enabled", false);
        try
        {
            var chrome = new ChromeDriver(service, options, TimeSpan.FromSeconds(30));
            chrome.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(20);
            return new Chromium(service, chrome);
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Ends the browser and chromedriver, whatever state they are in.</summary>
    public void Dispose()
    {
        try
        {
            Driver.Quit();
        }
        catch (WebDriverException)
        {
            // Already gone; the service's disposal below ends chromedriver (and with it the browser).
        }
        finally
        {
            Driver.Dispose();
            _service.Dispose();
        }
    }

    private static async Task<(string Browser, string Driver)> FindOrInstallAsync()
    {
        await TokenClients.Tests.Support.AptPackages.InstallUnlessPresentAsync("chromium chromium-driver", () => Find() is not null, TimeSpan.FromMinutes(10));
        return Find() ?? throw new InvalidOperationException("chromium is not installed.");
    }

    private static (string, string)? Find()
    {
        string? browser = null, driver = null;
        foreach (var directory in new[] { "/usr/bin", "/usr/local/bin" })
        {
            browser ??= File.Exists(Path.Combine(directory, "chromium")) ? Path.Combine(directory, "chromium") : null;
            driver ??= File.Exists(Path.Combine(directory, "chromedriver")) ? Path.Combine(directory, "chromedriver") : null;
        }

        return browser is not null && driver is not null ? (browser, driver) : null;
    }
}
