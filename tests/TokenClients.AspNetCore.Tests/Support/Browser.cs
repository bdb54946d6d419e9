using System.Net;

namespace TokenClients.AspNetCore.Tests.Support;

/// <summary>
/// A browser of one person: its own cookies, redirects followed by hand (bounded), so a test sees every hop. A redirect to
/// an emulator's authorize endpoint is followed there (the emulator approves at once); the emulator's redirect to the
/// registered callback (whose host is a placeholder) is followed to the same path and query at the application.
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly HttpClient _client;

    public Browser(Uri app)
    {
        App = app;
        Cookies = new CookieContainer();
        _client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public Uri App { get; }

    public CookieContainer Cookies { get; }

    /// <summary>Every address visited, in order, by the last <see cref="NavigateAsync"/>.</summary>
    public List<Uri> Visited { get; } = [];

    public Task<HttpResponseMessage> GetAsync(string pathOrUrl) => SendAsync(new HttpRequestMessage(HttpMethod.Get, Resolve(pathOrUrl)));

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) => _client.SendAsync(request, cancellationToken);

    /// <summary>Opens an address and follows redirects (at most 10), with callbacks of placeholder hosts brought to the application.</summary>
    public async Task<HttpResponseMessage> NavigateAsync(string pathOrUrl)
    {
        Visited.Clear();
        var target = Resolve(pathOrUrl);
        for (var hop = 0; ; hop++)
        {
            Visited.Add(target);
            var response = await _client.GetAsync(target);
            if ((int)response.StatusCode is < 300 or >= 400 || response.Headers.Location is not { } location || hop == 10)
            {
                return response;
            }

            response.Dispose();
            target = location.IsAbsoluteUri ? location : new Uri(target, location);
            if (target.Port == 80 && target.Host == "127.0.0.1")
            {
                // The callback registered at the provider: the same path and query at the application.
                target = new Uri(App, target.PathAndQuery);
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private Uri Resolve(string pathOrUrl) => Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
        ? absolute
        : new Uri(App, pathOrUrl);
}
