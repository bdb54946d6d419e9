using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TokenClients.IntegrationTests.Security;

/// <summary>
/// No token reaches a log through a client that AddTokenHandler configures, with the framework's HttpClient logging
/// on at Trace and a sink that reads the structured state of every entry, not only the formatted message.
/// </summary>
public sealed class TokenLoggingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Trace_logging_of_a_typed_client_carries_no_token_in_any_entry_or_state()
    {
        var seen = new ConcurrentQueue<string>();
        await using var api = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            seen.Enqueue(context.Request.Headers.Authorization.ToString());
            return Task.CompletedTask;
        }));
        var logs = new StructuredLogState();
        await using var provider = Build(api, logs, out var tokens);

        using var response = await provider.GetRequiredService<TypedApi>().GetAsync().WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-1"], seen);
        Assert.Equal(1, tokens.Requests);
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Category!.StartsWith("System.Net.Http.HttpClient.TypedApi.", StringComparison.Ordinal) && StructuredLogState.Text(r).Contains("Request Headers:", StringComparison.Ordinal));
        AssertNoEntryContains(logs, "token-1");
    }

    [Fact]
    public async Task Trace_logging_of_a_typed_client_carries_no_token_when_a_401_is_retried()
    {
        var seen = new ConcurrentQueue<string>();
        await using var api = await LoopbackServer.StartAsync(app => app.Run(context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            seen.Enqueue(authorization);
            context.Response.StatusCode = authorization == "Bearer token-1" ? StatusCodes.Status401Unauthorized : StatusCodes.Status200OK;
            return Task.CompletedTask;
        }));
        var logs = new StructuredLogState();
        await using var provider = Build(api, logs, out var tokens);

        using var response = await provider.GetRequiredService<TypedApi>().GetAsync().WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], seen);
        Assert.Equal(2, tokens.Requests);
        AssertNoEntryContains(logs, "token-1");
        AssertNoEntryContains(logs, "token-2");
    }

    private static void AssertNoEntryContains(StructuredLogState logs, string token)
    {
        var leaks = logs.EntriesContaining(token);
        Assert.True(leaks.Count == 0, $"{token} found in:\n{string.Join('\n', leaks)}");
    }

    private static ServiceProvider Build(WebApplication api, StructuredLogState logs, out CountingTokenClient tokens)
    {
        var client = new CountingTokenClient();
        tokens = client;
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs.Collector)));
        services.AddTokenProvider("counting", p => p.UseTokenClient("Counting", (_, _) => client));
        services.AddHttpClient<TypedApi>(c => c.BaseAddress = LoopbackServer.Address(api)).AddTokenHandler("counting");
        return services.BuildServiceProvider();
    }

    /// <summary>A user's typed client.</summary>
    private sealed class TypedApi(HttpClient http)
    {
        public Task<HttpResponseMessage> GetAsync() => http.GetAsync(new Uri("items", UriKind.Relative));
    }
}
