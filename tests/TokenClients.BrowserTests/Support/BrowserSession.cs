using OpenQA.Selenium;
using OpenQA.Selenium.Support.UI;

namespace TokenClients.BrowserTests.Support;

/// <summary>
/// One person's browser on the sample: opens pages, fills forms, and takes a numbered screenshot of each step into
/// <see cref="ScreenshotFolder"/>. Every page it opens is checked for tokens.
/// </summary>
public sealed class BrowserSession(Chromium chromium, Uri app, ScreenshotFolder screenshots, string person)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    public IWebDriver Driver => chromium.Driver;

    public string Text => Driver.FindElement(By.TagName("body")).Text;

    public void Open(string path)
    {
        Driver.Navigate().GoToUrl(new Uri(app, path));
        CheckNoToken();
    }

    public void Reload()
    {
        Driver.Navigate().Refresh();
        CheckNoToken();
    }

    public void Click(string id)
    {
        Find(id).Click();
        CheckNoToken();
    }

    public IWebElement Find(string id) => new WebDriverWait(Driver, Wait).Until(d => d.FindElements(By.Id(id)).FirstOrDefault(e => e.Displayed));

    public bool Has(string id) => Driver.FindElements(By.Id(id)).Count > 0;

    public object? Script(string script) => ((IJavaScriptExecutor)Driver).ExecuteScript(script);

    /// <summary>Waits for a provider's consent page (not the application's), signs in there and allows.</summary>
    public void ConsentAs(string user, string password, string step)
    {
        new WebDriverWait(Driver, Wait).Until(d => new Uri(d.Url).Port != app.Port && d.FindElements(By.Id("username")).Count > 0);
        Find("username").SendKeys(user);
        Find("password").SendKeys(password);
        Screenshot(step);
        Find("allow").Click();
        WaitForApp();
    }

    public void WaitForApp() => new WebDriverWait(Driver, Wait).Until(d => new Uri(d.Url).Port == app.Port && d.FindElements(By.TagName("main")).Count > 0);

    public void Screenshot(string step) => screenshots.Save((ITakesScreenshot)Driver, person, step);

    /// <summary>Every token the emulators issue is a JWT (<c>eyJ…</c>): none may reach a page.</summary>
    private void CheckNoToken() => Assert.DoesNotContain("eyJ", Driver.PageSource, StringComparison.Ordinal);
}
