// One instance of an application that uses TokenClients on Redis, driven by the Redis tests: options on the command
// line, commands on standard input (one a line), results on standard output as JSON lines.
//
//   --redis 127.0.0.1:6379 --keys <Data Protection key directory> --app <application name> --prefix <key prefix>
//   [--mluvii <emulator URL>] [--oli <emulator URL>] [--justlogin <emulator URL> --callback <redirect URI>]
//
//   burst N           N concurrent API calls through each vendor client → {"event":"burst","provider":…,"ok":…,"failed":…}
//   signin SUBJECT    JustLogin sign-in, then one API call               → {"event":"signin","status":…}
//   api SUBJECT       one JustLogin API call for the user                 → {"event":"api","status":…,"token":<hash>}
//   exit
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenClients;
using TokenClients.RedisTests.Worker;

var options = Arguments.Parse(args);
var output = new JsonLines(Console.Out);

var services = new ServiceCollection();
services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Information).AddProvider(new JsonLineLoggerProvider(output)));
services.AddDataProtection().SetApplicationName(options["app"]).PersistKeysToFileSystem(new DirectoryInfo(options["keys"]));
services.AddHybridCache();
services.AddTokenClientsRedis(options["redis"], o => o.KeyPrefix = options["prefix"]);

var apis = new Dictionary<string, Uri>(StringComparer.Ordinal);
if (options.TryGetValue("mluvii", out var mluvii))
{
    services.AddTokenProvider("mluvii", p => p.UseMluvii(o =>
    {
        o.Authority = new Uri(mluvii);
        o.ClientId = "demo-client";
        o.ClientSecret = "demo-secret";
    }));
    services.AddHttpClient("mluvii", c => c.BaseAddress = new Uri(mluvii)).AddTokenHandler("mluvii");
    apis["mluvii"] = new Uri(new Uri(mluvii), "api/v1/Sessions");
}

if (options.TryGetValue("oli", out var oli))
{
    services.AddTokenProvider("oli", p => p.UseOli(o =>
    {
        o.Authority = new Uri(oli);
        o.Username = "alice";
        o.Password = "alice-password";
    }));
    services.AddHttpClient("oli", c => c.BaseAddress = new Uri(oli)).AddTokenHandler("oli");
    apis["oli"] = new Uri(new Uri(oli), "api/v1/projects");
}

Uri? justLoginApi = null;
if (options.TryGetValue("justlogin", out var justLogin))
{
    services.AddTokenProvider("justlogin", p => p.UseJustLogin(o =>
    {
        o.Authority = new Uri(justLogin);
        o.ClientId = "demo-client";
        o.ClientSecret = "demo-secret";
        o.RedirectUri = new Uri(options["callback"]);
    }));
    services.AddHttpClient("justlogin", c => c.BaseAddress = new Uri(justLogin)).AddTokenHandler("justlogin");
    justLoginApi = new Uri(new Uri(justLogin), "v1/users/me");
}

await using var provider = services.BuildServiceProvider();
var clients = provider.GetRequiredService<IHttpClientFactory>();

// Resolve everything (Redis connection included) before saying ready, so the first command meets a warm instance.
foreach (var name in apis.Keys)
{
    provider.GetRequiredKeyedService<ITokenProvider>(name);
}

if (justLoginApi is not null)
{
    provider.GetRequiredKeyedService<ITokenProvider>("justlogin");
}

output.Write(new() { ["event"] = "ready" });

while (await Console.In.ReadLineAsync() is { } line)
{
    var command = line.Split(' ', 2, StringSplitOptions.TrimEntries);
    switch (command[0])
    {
        case "burst":
            var count = int.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, api) in apis)
            {
                var client = clients.CreateClient(name);
                var statuses = await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
                {
                    try
                    {
                        using var response = await client.GetAsync(api);
                        return response.StatusCode;
                    }
                    catch (Exception exception) when (exception is HttpRequestException or TokenRequestException)
                    {
                        return (HttpStatusCode)0;
                    }
                }));
                output.Write(new()
                {
                    ["event"] = "burst",
                    ["provider"] = name,
                    ["ok"] = statuses.Count(s => s == HttpStatusCode.OK),
                    ["failed"] = statuses.Count(s => s != HttpStatusCode.OK),
                });
            }

            break;
        case "signin":
            var flow = provider.GetRequiredKeyedService<IAuthorizationCodeFlow>("justlogin");
            var start = await flow.StartAsync(command[1]);
            Uri callback;
            using (var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }))
            using (var consent = await browser.GetAsync(start.AuthorizeUri))
            {
                callback = consent.Headers.Location ?? throw new InvalidOperationException($"The authorize endpoint answered {(int)consent.StatusCode}.");
            }

            await flow.CompleteAsync(callback, command[1]);
            output.Write(new() { ["event"] = "signin", ["status"] = await CallJustLoginAsync(command[1]) });
            break;
        case "api":
            var status = await CallJustLoginAsync(command[1]);
            var token = await provider.GetRequiredKeyedService<ITokenProvider>("justlogin").GetTokenAsync(TokenContext.ForSubject(command[1]));
            output.Write(new() { ["event"] = "api", ["status"] = status, ["token"] = Hash(token.Value) });
            break;
        case "exit":
            return 0;
        default:
            output.Write(new() { ["event"] = "error", ["message"] = "unknown command " + command[0] });
            break;
    }
}

return 0;

async Task<int> CallJustLoginAsync(string subject)
{
    using var request = new HttpRequestMessage(HttpMethod.Get, justLoginApi).WithTokenContext(TokenContext.ForSubject(subject));
    using var response = await clients.CreateClient("justlogin").SendAsync(request);
    return (int)response.StatusCode;
}

// Tokens never leave the process: only a short hash, to tell one token from another.
static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16];
