using System.Reflection;
using System.Text.Json.Nodes;

namespace TokenClients.IntegrationTests.Cli;

/// <summary>
/// The command line's token store file, as two <c>tokenclients</c> processes share it: each process has its own store
/// object (and its own in-process lock), so two stores over one path stand for two processes.
/// </summary>
public sealed class FileTokenStoreTests : IDisposable
{
    private static readonly string CliPath = typeof(FileTokenStoreTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "TokenClientsCli").Value!;
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenclients-store-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_processes_writing_the_store_at_once_lose_neither_ones_sign_ins()
    {
        var path = Path.Combine(_directory, "store", "tokens.json");
        string[] processes = ["first", "second", "third", "fourth"];
        const int Writes = 50;

        // Threads of their own, started together: the writes overlap as two processes' would.
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        using var start = new Barrier(processes.Length);
        var threads = processes.Select(name => new Thread(() =>
        {
            try
            {
                var store = NewStore(path);
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                for (var i = 0; i < Writes; i++)
                {
                    store.SetAsync(name, "user-" + i, Tokens(i)).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (Exception exception)
            {
                failures.Enqueue(exception);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        Assert.Empty(failures);

        var tokens = JsonNode.Parse(await File.ReadAllTextAsync(path))!["tokens"]!;
        Assert.All(processes, name => Assert.Equal(Writes, tokens[name]?.AsObject().Count ?? 0));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!))
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }
    }

    private static TokenSet Tokens(int i) => new() { AccessToken = "access-" + i, TokenType = "Bearer", ExpiresAt = DateTimeOffset.UnixEpoch.AddYears(60) };

    private static ITokenStore NewStore(string path)
    {
        var type = Assembly.LoadFrom(CliPath).GetType("TokenClients.Cli.FileTokenStore", throwOnError: true)!;
        return (ITokenStore)Activator.CreateInstance(type, path)!;
    }
}
