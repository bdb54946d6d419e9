using OpenQA.Selenium;
using Xunit.Abstractions;

namespace TokenClients.BrowserTests.Support;

/// <summary>
/// <c>screenshots/&lt;scenario&gt;/</c> in the test output folder (<c>tests/TokenClients.BrowserTests/bin/&lt;configuration&gt;/net10.0/</c>),
/// emptied when a scenario starts; files are numbered in the order the steps ran, across every browser of the scenario.
/// </summary>
public sealed class ScreenshotFolder
{
    private readonly ITestOutputHelper _output;
    private int _step;

    public ScreenshotFolder(string scenario, ITestOutputHelper output)
    {
        _output = output;
        Path = System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots", scenario);
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }

        Directory.CreateDirectory(Path);
        output.WriteLine($"screenshots: {Path}");
    }

    public string Path { get; }

    public void Save(ITakesScreenshot browser, string person, string step)
    {
        var file = System.IO.Path.Combine(Path, $"{Interlocked.Increment(ref _step):00}-{person}-{step}.png");
        browser.GetScreenshot().SaveAsFile(file);
        _output.WriteLine($"  {System.IO.Path.GetFileName(file)}");
    }
}
